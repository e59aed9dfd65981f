import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCappedCounter, OTHER_KEY, topList } from "../../../src/core/audit/capped-counter.ts";
import { createLatencyHistogram } from "../../../src/core/audit/latency-histogram.ts";

describe("createCappedCounter", () => {
  it("counts the first keys on their own and the rest in (other); totals stay exact", () => {
    const c = createCappedCounter(2);
    for (const key of ["a", "b", "a", "c", "d", "b", "a"]) c.add(key);
    assert.deepEqual(c.entries(), [["a", 3], ["b", 2], [OTHER_KEY, 2]]);
    assert.equal(c.total, 7);
    assert.equal(c.overflowed, true);
    assert.deepEqual(topList(c, 1), { top: [{ key: "a", count: 3 }], total: 7, distinct: 3 });
  });

  it("keeps keys named like Object.prototype members as data", () => {
    const c = createCappedCounter(10);
    for (const key of ["__proto__", "constructor", "toString", "__proto__"]) c.add(key);
    const obj = c.toObject();
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
    assert.deepEqual(Object.entries(obj), [["__proto__", 2], ["constructor", 1], ["toString", 1]]);
    assert.equal(JSON.stringify(obj), '{"__proto__":2,"constructor":1,"toString":1}');
  });

  it("holds at most maxKeys + 1 keys whatever the input (bounded memory)", () => {
    const c = createCappedCounter(100);
    for (let i = 0; i < 100_000; i++) c.add(`k${i}`);
    assert.equal(c.size, 101);
    assert.equal(c.total, 100_000);
  });
});

describe("createLatencyHistogram", () => {
  it("gives percentiles within 9 % of the exact ones in bounded memory", () => {
    const h = createLatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.1 + i * 0.01);
    for (const v of values) h.add(v);
    const s = h.summary();
    const exact = (p: number): number => values[Math.ceil(p * values.length) - 1]!;
    for (const [p, got] of [[0.5, s.p50], [0.9, s.p90], [0.99, s.p99]] as const) {
      assert.ok(got !== null && Math.abs(got - exact(p)) / exact(p) < 0.09, `p${p * 100}: ${got} vs ${exact(p)}`);
    }
    assert.equal(s.max, values.at(-1));
    assert.equal(s.count, 10_000);
  });

  it("reports nulls when empty and ignores values that are not durations", () => {
    const h = createLatencyHistogram();
    h.add(Number.NaN);
    h.add(-1);
    assert.deepEqual(h.summary(), { count: 0, p50: null, p90: null, p99: null, max: null });
  });
});
