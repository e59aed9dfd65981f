import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAuditLine } from "../../../src/core/audit/parse-audit-line.ts";

const EVENT = {
  kind: "Event", apiVersion: "audit.k8s.io/v1", level: "Metadata", auditID: "id-1", stage: "ResponseComplete",
  requestURI: "/apis/apps/v1/namespaces/a/deployments/b", verb: "update", user: { username: "alice" },
  objectRef: { resource: "deployments", namespace: "a", name: "b", apiGroup: "apps" }, responseStatus: { code: 200 },
  requestReceivedTimestamp: "2026-12-01T10:00:00.000000Z", stageTimestamp: "2026-12-01T10:00:00.010000Z",
};

describe("parseAuditLine", () => {
  it("reads one audit Event per line (the log backend's json format)", () => {
    const parsed = parseAuditLine(JSON.stringify(EVENT));
    assert.equal(parsed.type, "events");
    assert.equal(parsed.type === "events" && parsed.events[0]?.auditID, "id-1");
  });

  it("reads EventList batches (webhook backend) and AKS envelopes (records[].properties.log)", () => {
    const list = parseAuditLine(JSON.stringify({ kind: "EventList", apiVersion: "audit.k8s.io/v1", items: [EVENT, { ...EVENT, auditID: "id-2" }] }));
    assert.deepEqual(list.type === "events" && list.events.map((e) => e.auditID), ["id-1", "id-2"]);
    const aks = parseAuditLine(JSON.stringify({ records: [{ properties: { log: JSON.stringify(EVENT) } }, { properties: { log: "{torn" } }] }));
    assert.equal(aks.type, "events");
    assert.deepEqual(aks.type === "events" && [aks.events.length, aks.errors], [1, ["records[1].properties.log: not JSON"]]);
  });

  it("accepts legacy captures with `timestamp` and no requestReceivedTimestamp", () => {
    const { requestReceivedTimestamp: _r, stageTimestamp: _s, ...legacy } = EVENT;
    const parsed = parseAuditLine(JSON.stringify({ ...legacy, timestamp: "2026-01-01T00:00:00Z" }));
    assert.equal(parsed.type === "events" && parsed.events[0]?.timestamp, "2026-01-01T00:00:00Z");
  });

  it("tells malformed lines apart with a reason, never echoing the line", () => {
    assert.deepEqual(parseAuditLine("{not json"), { type: "malformed", error: "not JSON" });
    assert.deepEqual(parseAuditLine("[1,2]"), { type: "malformed", error: "not a JSON object" });
    const noId = parseAuditLine(JSON.stringify({ ...EVENT, auditID: 7, secret: "hunter2" }));
    assert.equal(noId.type, "malformed");
    assert.ok(noId.type === "malformed" && noId.error.startsWith("not an audit Event: auditID"));
    assert.ok(noId.type === "malformed" && !noId.error.includes("hunter2"));
    assert.deepEqual(parseAuditLine("   "), { type: "blank" });
  });

  it("reads decision records (v1, extra fields such as decisionId kept) and watch records", () => {
    const record = {
      v: 1, time: "2026-12-01T10:00:00Z", webhook: "mutate", uid: "u", operation: "UPDATE", dryRun: false, group: "apps", version: "v1",
      kind: "Deployment", resource: "deployments", namespace: "a", name: "b", owner: "flux", action: "mark", enforcedAction: "mark",
      mode: "enforce", reason: "r", allowed: true, findings: [], patchPaths: [], policyVersion: "p", latencyMs: 0.3, decisionId: "d-1", later: true,
    };
    const parsed = parseAuditLine(JSON.stringify(record));
    assert.equal(parsed.type === "decision" && parsed.record.decisionId, "d-1");
    assert.equal(parseAuditLine(JSON.stringify({ ...record, v: 2 })).type, "malformed", "an unknown schema version is not guessed at");
    assert.equal(parseAuditLine(JSON.stringify({ ...record, owner: "terraform" })).type, "malformed");
    const watch = parseAuditLine(JSON.stringify({ kind: "assessment", time: "2026-12-01T10:00:00Z", state: "Stuck" }));
    assert.equal(watch.type, "watch");
  });
});
