import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nodeVersionProblem, parseNodeVersion } from "../../../src/core/runtime/node-requirement.ts";

const REQUIREMENT = { minimum: [24, 0, 0] as const, pinned: "26.10.0" };

describe("parseNodeVersion", () => {
  it("reads process.versions.node, `v` versions and short forms", () => {
    assert.deepEqual(parseNodeVersion("20.20.2"), [20, 20, 2]);
    assert.deepEqual(parseNodeVersion("v26.10.0"), [26, 10, 0]);
    assert.deepEqual(parseNodeVersion("24"), [24, 0, 0]);
    assert.deepEqual(parseNodeVersion("22.19"), [22, 19, 0]);
    assert.deepEqual(parseNodeVersion("26.0.0-nightly2026"), [26, 0, 0]);
    assert.equal(parseNodeVersion("lts"), undefined);
  });
});

describe("nodeVersionProblem", () => {
  it("says nothing on the minimum or newer", () => {
    for (const running of ["24.0.0", "24.1.0", "26.10.0", "30.0.0"]) assert.equal(nodeVersionProblem(running, REQUIREMENT), undefined, running);
  });

  it("on an older Node names the minimum, the running version, the pinned one and the ways to get it", () => {
    const message = nodeVersionProblem("20.20.2", REQUIREMENT);
    assert.ok(message !== undefined);
    assert.match(message, /^gitops-guard needs Node\.js 24\.0\.0 or newer; this is Node\.js 20\.20\.2\./);
    assert.match(message, /node@26\.10\.0/);
    assert.match(message, /make run/);
    assert.match(message, /install Node\.js 26 /);
  });

  it("compares minor and patch, not only the major", () => {
    const requirement = { minimum: [22, 19, 0] as const, pinned: "22.19.0" };
    assert.ok(nodeVersionProblem("22.18.9", requirement) !== undefined);
    assert.equal(nodeVersionProblem("22.19.0", requirement), undefined);
    assert.ok(nodeVersionProblem("18.20.0", requirement) !== undefined);
  });

  it("lets an unparseable running version through (it explains a known failure, never refuses an unknown runtime)", () => {
    assert.equal(nodeVersionProblem("unknown", REQUIREMENT), undefined);
  });
});
