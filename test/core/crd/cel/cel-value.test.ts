import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toCelValue, ValueTooDeep } from "../../../../src/core/crd/cel/cel-value.ts";
import { readSchemaNode } from "../../../../src/core/crd/cel/crd-schema-node.ts";
import type { JsonValue } from "../../../../src/core/k8s/json.ts";
import { parseJsonLossless } from "../../../../src/core/k8s/lossless-json.ts";

const node = (schema: JsonValue) => readSchemaNode(schema);
const plain = (value: unknown): unknown => (value instanceof Map ? Object.fromEntries([...value].map(([k, v]) => [k, plain(v)])) : Array.isArray(value) ? value.map(plain) : value);

describe("toCelValue (OpenAPI schema → CEL types, as model/schemas.go types them)", () => {
  it("integer → int, number → double, int-or-string → int or string", () => {
    assert.equal(toCelValue(3, node({ type: "integer" })), 3n);
    assert.equal(toCelValue(3, node({ type: "number" })), 3);
    assert.equal(toCelValue(8080, node({ "x-kubernetes-int-or-string": true })), 8080n);
    assert.equal(toCelValue("http", node({ "x-kubernetes-int-or-string": true })), "http");
  });

  it("keeps a large integer exact (a number kept as its text by the lossless parser)", () => {
    const parsed = parseJsonLossless('{"n": 9223372036854775807}') as { n: JsonValue };
    assert.equal(toCelValue(parsed.n, node({ type: "integer" })), 9223372036854775807n);
  });

  it("date-time strings are timestamps; other strings stay strings", () => {
    const t = toCelValue("2026-01-02T03:04:05Z", node({ type: "string", format: "date-time" }));
    assert.ok(t instanceof Date && t.toISOString() === "2026-01-02T03:04:05.000Z");
    assert.equal(toCelValue("not a date", node({ type: "string", format: "date-time" })), "not a date");
    assert.equal(toCelValue("1h", node({ type: "string", format: "duration" })), "1h");
  });

  it("objects with properties show only those fields, even when they preserve unknown fields", () => {
    const schema = node({ type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "integer" } } });
    assert.deepEqual(plain(toCelValue({ a: 1, extra: "hidden" }, schema)), { a: 1n });
  });

  it("an object that only preserves unknown fields is dyn: integral numbers as int", () => {
    const schema = node({ type: "object", "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(plain(toCelValue({ a: 1, b: 1.5, c: [2] }, schema)), { a: 1n, b: 1.5, c: [2n] });
  });

  it("the resource root exposes apiVersion, kind, metadata.name and generateName only", () => {
    const schema = node({ type: "object", properties: { spec: { type: "object" } } });
    const root = toCelValue({ apiVersion: "x/v1", kind: "K", metadata: { name: "n", namespace: "ns", labels: { a: "b" } }, spec: {} }, schema, 0, true);
    assert.deepEqual(plain(root), { spec: {}, apiVersion: "x/v1", kind: "K", metadata: { name: "n" } });
  });

  it("maps hold keys named after Object.prototype members as data", () => {
    const value = JSON.parse('{"__proto__": "p", "constructor": "c"}') as JsonValue;
    const map = toCelValue(value, node({ type: "object", additionalProperties: { type: "string" } }));
    assert.ok(map instanceof Map);
    assert.equal(map.get("__proto__"), "p");
    assert.equal(map.get("constructor"), "c");
    assert.equal(map.get("toString"), undefined);
  });

  it("refuses a value nested deeper than the judged depth, without recursing through it", () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(() => toCelValue(deep, undefined), ValueTooDeep);
  });
});
