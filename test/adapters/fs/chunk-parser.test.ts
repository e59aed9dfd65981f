import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inThreadChunkParser, parallelChunkParser } from "../../../src/adapters/fs/chunk-parser.ts";

function namespace(name: string): string {
  return `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

const CHUNKS = [
  ...Array.from({ length: 40 }, (_, i) => namespace(`ns-${i}`)),
  "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {broken: [\n",
  "---\n# empty\n",
];

describe("parallelChunkParser", () => {
  it("parses a batch in a worker and this thread, with the same results in the same order", async () => {
    const expected = await inThreadChunkParser().parse(CHUNKS);
    const parser = parallelChunkParser(1);
    try {
      assert.deepEqual(await parser.parse(CHUNKS), expected);
      // The worker is reused for the next batch.
      assert.deepEqual(await parser.parse(CHUNKS.slice(0, 3)), expected.slice(0, 3));
    } finally {
      await parser.close();
    }
    assert.equal(expected.length, 42);
    assert.equal(expected[40]?.[0]?.ok, false);
    assert.deepEqual(expected[41], [{ ok: true, objects: [], line: 1, itemLines: [] }]);
  });

  it("parses small batches in this thread and can be closed without ever starting a worker", async () => {
    const parser = parallelChunkParser();
    assert.deepEqual(await parser.parse(CHUNKS.slice(0, 2)), await inThreadChunkParser().parse(CHUNKS.slice(0, 2)));
    await parser.close();
    await parser.close();
  });

  it("starts a new worker when used again after close", async () => {
    const parser = parallelChunkParser(1);
    try {
      await parser.parse(CHUNKS);
      await parser.close();
      assert.equal((await parser.parse(CHUNKS)).length, CHUNKS.length);
    } finally {
      await parser.close();
    }
  });
});
