import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeHealth } from "../../../src/core/health/compute-health.ts";
import { isJsonObject } from "../../../src/core/k8s/json.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const cases = loadDocuments("health/cases.yaml")[0];

describe("computeHealth (kstatus rules)", () => {
  assert.ok(Array.isArray(cases));
  for (const c of cases.filter(isJsonObject)) {
    it(`${String(c["name"])} → ${String(c["expect"])}`, () => {
      assert.ok(isJsonObject(c["object"]));
      const result = computeHealth(c["object"], NOW);
      assert.equal(result.status, c["expect"]);
      if (typeof c["message"] === "string") assert.equal(result.message, c["message"]);
    });
  }
});
