import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { planClaims } from "./claim-objects.ts";

const OWNER: JsonObject = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web", uid: "owner-uid" } };
const SELECTOR = parseLabelSelector({ matchLabels: { app: "web" } });

function obj(name: string, labels: JsonObject, controller?: string, deleting = false): JsonObject {
  return {
    metadata: {
      name, labels, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
      ...(controller ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "x", uid: controller, controller: true }] } : {}),
    },
  };
}

const names = (list: readonly JsonObject[]): string[] => list.map((o) => String((o["metadata"] as JsonObject)["name"]));

describe("claim rules (ControllerRefManager.claimObject)", () => {
  it("keeps, adopts, releases and ignores as upstream does", () => {
    const plan = planClaims(OWNER, SELECTOR, [
      obj("ours", { app: "web" }, "owner-uid"),
      obj("ours-moved", { app: "debug" }, "owner-uid"),
      obj("orphan", { app: "web", extra: "x" }),
      obj("orphan-other", { app: "api" }),
      obj("orphan-deleting", { app: "web" }, undefined, true),
      obj("someone-elses", { app: "web" }, "other-uid"),
      obj("hostile-keys", JSON.parse('{"app":"web","__proto__":"x","constructor":"y"}') as JsonObject),
    ]);
    assert.deepEqual(names(plan.owned), ["ours"]);
    assert.deepEqual(names(plan.adopt), ["orphan", "hostile-keys"]);
    assert.deepEqual(names(plan.release), ["ours-moved"]);
  });

  it("a deleting owner adopts nothing and releases nothing; a member check narrows adoption (StatefulSet names)", () => {
    const deleting = { ...OWNER, metadata: { ...(OWNER["metadata"] as JsonObject), deletionTimestamp: "2026-01-01T00:00:00Z" } };
    const plan = planClaims(deleting, SELECTOR, [obj("orphan", { app: "web" }), obj("ours-moved", { app: "debug" }, "owner-uid")]);
    assert.deepEqual([plan.adopt, plan.release], [[], []]);
    const members = planClaims(OWNER, SELECTOR, [obj("web-0", { app: "web" }), obj("web-debug", { app: "web" })], (o) => /^web-\d+$/.test(String((o["metadata"] as JsonObject)["name"])));
    assert.deepEqual(names(members.adopt), ["web-0"]);
  });

  it("label keys are data: a selector on constructor or __proto__ does not match an object lacking them", () => {
    const selector = parseLabelSelector(JSON.parse('{"matchLabels":{"constructor":"y"}}') as JsonObject);
    assert.deepEqual(names(planClaims(OWNER, selector, [obj("plain", { app: "web" })]).adopt), []);
    const proto = parseLabelSelector(JSON.parse('{"matchLabels":{"__proto__":"x"}}') as JsonObject);
    assert.deepEqual(names(planClaims(OWNER, proto, [obj("plain", { app: "web" }), obj("carrier", JSON.parse('{"__proto__":"x"}') as JsonObject)]).adopt), ["carrier"]);
  });

  it("a selector that selects nothing claims nothing", () => {
    const plan = planClaims(OWNER, parseLabelSelector(undefined), [obj("orphan", { app: "web" }), obj("ours", { app: "web" }, "owner-uid")]);
    assert.deepEqual([names(plan.owned), names(plan.adopt), names(plan.release)], [[], [], ["ours"]]);
  });
});
