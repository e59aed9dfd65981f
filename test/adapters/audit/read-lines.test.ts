import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { readLines, type InputLine, type ReadCounters } from "../../../src/adapters/audit/read-lines.ts";

async function collect(chunks: readonly (Buffer | string)[], max = 1024): Promise<{ lines: InputLine[]; counters: ReadCounters }> {
  const counters: ReadCounters = { bytes: 0, compressed: false };
  const lines: InputLine[] = [];
  async function* source(): AsyncGenerator<Buffer | string> {
    yield* chunks;
  }
  for await (const line of readLines(source(), max, counters)) lines.push(line);
  return { lines, counters };
}

describe("readLines", () => {
  it("splits lines across chunk boundaries, CRLF or LF, with or without a final newline", async () => {
    const { lines } = await collect(["ab", "c\r\nde", "f\n\ng", "h"]);
    assert.deepEqual(lines, [{ text: "abc" }, { text: "def" }, { text: "" }, { text: "gh" }]);
  });

  it("keeps a multi-byte character whole when a chunk boundary cuts it", async () => {
    const bytes = Buffer.from("µs → ok\n", "utf8");
    const { lines } = await collect([bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)]);
    assert.deepEqual(lines, [{ text: "µs → ok" }]);
  });

  it("skips an over-long line without holding it and goes on with the next", async () => {
    const { lines } = await collect(["x".repeat(600), "y".repeat(600), "\nok\n", "z".repeat(2000)], 1000);
    assert.deepEqual(lines, [{ tooLong: 1200 }, { text: "ok" }, { tooLong: 2000 }]);
  });

  it("detects gzip by its magic number and counts the compressed bytes", async () => {
    const gz = gzipSync(Buffer.from("one\ntwo\n"));
    const { lines, counters } = await collect([gz.subarray(0, 1), gz.subarray(1)]);
    assert.deepEqual(lines, [{ text: "one" }, { text: "two" }]);
    assert.deepEqual(counters, { bytes: gz.length, compressed: true });
  });

  it("reads nothing from an empty source", async () => {
    assert.deepEqual((await collect([])).lines, []);
  });
});
