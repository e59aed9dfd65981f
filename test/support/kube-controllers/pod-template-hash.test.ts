import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from "./pod-template-hash.ts";

const TEMPLATE = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "web:1" }] } };

describe("pod-template-hash", () => {
  it("is stable for one template whatever the key order, differs for another, and moves with collisionCount", () => {
    const reordered = { spec: { containers: [{ image: "web:1", name: "web" }] }, metadata: { labels: { app: "web" } } };
    assert.equal(computeHash(TEMPLATE), computeHash(reordered));
    assert.notEqual(computeHash(TEMPLATE), computeHash({ ...TEMPLATE, spec: { containers: [{ name: "web", image: "web:2" }] } }));
    assert.notEqual(computeHash(TEMPLATE, 1), computeHash(TEMPLATE));
    assert.notEqual(computeHash(TEMPLATE, 1), computeHash(TEMPLATE, 2));
    assert.match(computeHash(TEMPLATE), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/, "rand.SafeEncodeString of a uint32 in decimal");
  });

  it("compares templates ignoring the hash label only", () => {
    const withHash = { ...TEMPLATE, metadata: { labels: { app: "web", [POD_TEMPLATE_HASH_LABEL]: "abc" } } };
    assert.ok(equalIgnoreHash(withHash, TEMPLATE));
    assert.ok(!equalIgnoreHash({ ...TEMPLATE, metadata: { labels: { app: "web", env: "prod" } } }, TEMPLATE));
  });
});
