import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { setImmediate as nextTurn } from "node:timers/promises";
import { createRecordWriter } from "../../../src/adapters/records/record-writer.ts";
import { decisionRecord, type DecisionRecord } from "../../../src/core/records/decision-record.ts";
import { mutateRequest } from "../../../src/core/admission/mutate-request.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { parsedReview } from "../../support/load-review.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";

const WRITER_MODULE = pathToFileURL(join(import.meta.dirname, "..", "..", "..", "src", "adapters", "records", "record-writer.ts")).href;

/** A real record: the example selector change judged by /mutate with the default policy. */
function exampleRecord(): DecisionRecord {
  const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
  if (!loaded.ok) throw new Error("default policy invalid");
  const request = parsedReview("deployment-selector-change.json").request;
  const outcome = mutateRequest(request, { catalogue: builtinCatalogue(), policy: loaded.value.policy, guardNamespace: "gitops-guard" });
  return decisionRecord(request, { ...outcome, allowed: outcome.verdict.allowed }, {
    webhook: "mutate", time: "2026-10-02T09:14:07.123Z", latencyMs: 0.3, policyVersion: `default@${"0".repeat(16)}`, valueMaxBytes: 256,
  });
}

const RECORD = exampleRecord();

function numbered(i: number): DecisionRecord {
  return { ...RECORD, uid: `uid-${i}`, latencyMs: i };
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "record-writer-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lines(text: string): string[] {
  assert.ok(text === "" || text.endsWith("\n"), "the file ends on a whole line");
  return text.split("\n").filter((l) => l !== "");
}

describe("createRecordWriter", () => {
  it("writes 10,000 records as 10,000 JSON lines, in order, each exactly the record", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      for (let i = 0; i < 10_000; i++) {
        writer.write(numbered(i));
        if (i % 500 === 499) await nextTurn(); // requests arrive over time, not in one synchronous burst
      }
      await writer.close();
      const written = lines(await readFile(path, "utf8"));
      assert.equal(written.length, 10_000);
      written.forEach((line, i) => assert.deepEqual(JSON.parse(line), JSON.parse(JSON.stringify(numbered(i))), `line ${i + 1}`));
    });
  });

  it("writes no pino fields (level, time, pid, hostname, msg)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      writer.write(RECORD);
      await writer.close();
      const [line] = lines(await readFile(path, "utf8"));
      assert.deepEqual(Object.keys(JSON.parse(line!)), Object.keys(RECORD));
    });
  });

  it("creates missing folders of the destination", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "nested", "deeper", "records.jsonl");
      const writer = await createRecordWriter(path);
      writer.write(RECORD);
      await writer.close();
      assert.equal(lines(await readFile(path, "utf8")).length, 1);
    });
  });

  it("writes records without a flush within a fraction of a second (batched, never held back)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      for (let i = 0; i < 3; i++) writer.write(numbered(i));
      const deadline = Date.now() + 2_000;
      let written: string[] = [];
      while (written.length < 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        written = lines(readFileSync(path, "utf8"));
      }
      assert.deepEqual(written.map((l) => JSON.parse(l).uid), ["uid-0", "uid-1", "uid-2"]);
      await writer.close();
    });
  });

  it("flush() makes every written line visible synchronously", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      await nextTurn();
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let i = 0; i < 3; i++) writer.write(numbered(i));
      writer.flush();
      assert.deepEqual(lines(readFileSync(path, "utf8")).map((l) => JSON.parse(l).uid), ["uid-0", "uid-1", "uid-2"]);
      await writer.close();
    });
  });

  it("flush() works right after the writer is created (a SIGTERM at startup)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      writer.write(RECORD);
      let flushed: string | Error;
      try {
        writer.flush();
        flushed = readFileSync(path, "utf8");
      } catch (err) {
        flushed = err instanceof Error ? err : new Error(String(err));
      } finally {
        // Let the destination open before the temp folder goes, whatever happened above.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writer.close().catch(() => undefined);
      }
      assert.ok(typeof flushed === "string", `flush() threw: ${String(flushed)}`);
      assert.equal(lines(flushed).length, 1, "the line is in the file as soon as flush() returns");
    });
  });

  it("close() right after the writer is created keeps the records written", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      writer.write(RECORD);
      const closed = await writer.close().then(() => undefined, (err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, undefined, `close() rejected: ${String(closed)}`);
      assert.equal(lines(await readFile(path, "utf8")).length, 1);
    });
  });

  it("ignores writes and flushes after close, and closes once", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const writer = await createRecordWriter(path);
      writer.write(numbered(1));
      await writer.close();
      writer.write(numbered(2));
      writer.flush();
      await writer.close();
      assert.deepEqual(lines(await readFile(path, "utf8")).map((l) => JSON.parse(l).uid), ["uid-1"]);
    });
  });

  it("appends to an existing file", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      for (const i of [1, 2]) {
        const writer = await createRecordWriter(path);
        writer.write(numbered(i));
        await writer.close();
      }
      assert.deepEqual(lines(await readFile(path, "utf8")).map((l) => JSON.parse(l).uid), ["uid-1", "uid-2"]);
    });
  });

  it("writes to standard output for \"-\", and close leaves standard output open", async () => {
    const code = `
      import { createRecordWriter } from ${JSON.stringify(WRITER_MODULE)};
      const writer = await createRecordWriter("-");
      for (let i = 0; i < 1000; i++) writer.write({ v: 1, uid: "uid-" + i });
      await writer.close();
      process.stdout.write("after close\\n");
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", code], { timeout: 20_000 });
    const out = lines(stdout);
    assert.equal(out.length, 1001);
    assert.deepEqual(out.slice(0, 1000).map((l) => JSON.parse(l).uid), Array.from({ length: 1000 }, (_, i) => `uid-${i}`));
    assert.equal(out[1000], "after close");
  });

  it("writes the batch in hand when the process exits without close() (an uncaught error)", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "records.jsonl");
      const code = `
        import { createRecordWriter } from ${JSON.stringify(WRITER_MODULE)};
        const writer = await createRecordWriter(${JSON.stringify(path)});
        for (let i = 0; i < 3; i++) writer.write({ v: 1, uid: "uid-" + i });
        setImmediate(() => { throw new Error("boom"); });
      `;
      await promisify(execFile)(process.execPath, ["--input-type=module", "-e", code], { timeout: 20_000 }).catch(() => undefined);
      assert.deepEqual(lines(readFileSync(path, "utf8")).map((l) => JSON.parse(l).uid), ["uid-0", "uid-1", "uid-2"]);
    });
  });
});
