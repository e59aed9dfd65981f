import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Operation } from "fast-json-patch";
import { decisionRecord, RECORD_LIMITS, RECORD_VERSION, truncateValue, type RecordFacts } from "../../../src/core/records/decision-record.ts";
import { admissionReviewSchema, type AdmissionRequest } from "../../../src/core/admission/admission-review.ts";
import { skipDecision } from "../../../src/core/decide/decide.ts";
import { deny, mark, type Decision } from "../../../src/core/decide/decision.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import { canonicalJson } from "../../../src/core/hash/fnv1a.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { parsedReview, rawReview } from "../../support/load-review.ts";
import { findingsFor } from "../../support/rule-case.ts";

const FACTS: RecordFacts = { webhook: "mutate", time: "2026-10-02T09:14:07.123Z", latencyMs: 0.42, policyVersion: "configmap/gitops-guard/policy#812@0123456789abcdef", valueMaxBytes: 256 };
const PATCH: Operation[] = [{ op: "replace", path: "/spec/selector/matchLabels/tier", value: "fe" }, { op: "add", path: "/metadata/annotations/gitops-guard.io~1replace", value: "recreate" }];

function decision(findings: readonly Finding[], reason = "immutable conflict marked for recreate"): Decision {
  return mark(findings, [], { strategy: "recreate", digest: "0123456789abcdef", toolMarker: "flux" }, [], reason);
}

function request(file: string, change?: (raw: ReturnType<typeof rawReview>) => void): AdmissionRequest {
  const raw = rawReview(file);
  change?.(raw);
  return admissionReviewSchema.parse(raw).request;
}

describe("decisionRecord", () => {
  it("records who, what, the decision and the policy version, in a fixed field order", () => {
    const findings = findingsFor("rules/apps/deployment-selector-common-labels.yaml");
    const req = request("deployment-selector-change.json", (raw) => { raw.request["options"] = { fieldManager: "kustomize-controller" }; });
    const record = decisionRecord(req, { decision: decision(findings), owner: "flux", patch: PATCH, allowed: true }, FACTS);
    assert.deepEqual(Object.keys(record), [
      "v", "time", "webhook", "uid", "decisionId", "operation", "dryRun", "group", "version", "kind", "resource", "namespace", "name", "user", "fieldManager",
      "owner", "action", "enforcedAction", "mode", "strategy", "reason", "allowed", "findings", "patchPaths", "policyVersion", "latencyMs",
    ]);
    assert.equal(record.v, RECORD_VERSION);
    assert.equal(record.uid, req.uid);
    assert.equal(record.operation, "UPDATE");
    assert.equal(record.dryRun, true);
    assert.deepEqual([record.group, record.version, record.kind, record.resource], ["apps", "v1", "Deployment", "deployments"]);
    assert.deepEqual([record.namespace, record.name], ["web", "api"]);
    assert.equal(record.fieldManager, "kustomize-controller");
    assert.deepEqual(record.patchPaths, ["/spec/selector/matchLabels/tier", "/metadata/annotations/gitops-guard.io~1replace"]);
    assert.deepEqual(record.findings[0], { ruleId: "apps.Deployment.selector", path: "spec.selector.matchLabels.tier", class: "immutable", severity: "blocking", from: "fe", to: "frontend" });
    assert.equal(record.policyVersion, FACTS.policyVersion);
    assert.equal(record.latencyMs, 0.42);
  });

  it("omits optional fields that have no value", () => {
    const req = request("deployment-image-update.json", (raw) => {
      delete raw.request["userInfo"];
      delete raw.request["options"];
      delete raw.request["namespace"];
      delete raw.request["dryRun"];
    });
    const record = decisionRecord(req, { decision: skipDecision("no findings", "enforce"), owner: "other", patch: [], allowed: true }, FACTS);
    for (const key of ["subResource", "namespace", "user", "fieldManager", "strategy", "code", "error"]) {
      assert.equal(key in record, false, key);
    }
    assert.equal(record.dryRun, false);
    assert.deepEqual(record.findings, []);
    assert.deepEqual(record.patchPaths, []);
    assert.ok(JSON.stringify(record).length > 0);
  });

  it("records the denial code, the subresource, and an error when there is one", () => {
    const req = parsedReview("deployment-scale-v1beta1.json").request;
    const error = { code: "ERR_INTERNAL", message: "boom" };
    const record = decisionRecord(req, { decision: deny([], { code: 500, message: "could not decide" }, "internal error ERR_INTERNAL: failed closed"), owner: "kubectl", patch: [], allowed: false, code: 500 }, { ...FACTS, error });
    assert.equal(record.subResource, "scale");
    assert.equal(record.code, 500);
    assert.equal(record.allowed, false);
    assert.deepEqual(record.error, error);
    assert.equal("strategy" in record, false);
  });

  it("takes the name from the object when the request has none (CREATE with generateName)", () => {
    const req = request("deployment-image-update.json", (raw) => { raw.request["name"] = ""; });
    assert.equal(decisionRecord(req, { decision: skipDecision("x", "enforce"), owner: "flux", patch: [], allowed: true }, FACTS).name, "api");
    const del = parsedReview("configmap-delete.json").request;
    assert.equal(decisionRecord({ ...del, name: undefined }, { decision: skipDecision("x", "enforce"), owner: "flux", patch: [], allowed: true }, FACTS).name, "api-config");
  });

  it("never records Secret values, and keeps absent values absent", () => {
    const findings = findingsFor("rules/core/secret-immutable-data-change.yaml");
    const pair = loadPair("rules/core/secret-immutable-data-change.yaml");
    const req = request("deployment-image-update.json", (raw) => {
      raw.request["kind"] = { group: "", version: "v1", kind: "Secret" };
      raw.request["resource"] = { group: "", version: "v1", resource: "secrets" };
      raw.request.object = pair.new;
      raw.request.oldObject = pair.old;
    });
    const removed = { ...findings[0]!, path: "data.username", segments: ["data", "username"], to: undefined };
    const record = decisionRecord(req, { decision: decision([...findings, removed]), owner: "flux", patch: [], allowed: true }, FACTS);
    const line = JSON.stringify(record);
    for (const value of ["czNjcjN0LcOE", "cm90YXRlZA==", "YXBw"]) assert.ok(!line.includes(value), `leaked ${value}`);
    assert.deepEqual(record.findings[0], { ruleId: "core.Secret.data", path: "data.password", class: "immutable", severity: "blocking", from: "<redacted>", to: "<redacted>" });
    assert.equal(record.findings[1]!.from, "<redacted>");
    assert.equal("to" in record.findings[1]!, false, "an absent value stays absent, not <redacted>");
  });

  it("truncates long values at valueMaxBytes", () => {
    const base = findingsFor("rules/apps/deployment-selector-common-labels.yaml")[0]!;
    const long = { ...base, from: "a".repeat(1000), to: { big: "b".repeat(1000) } };
    const record = decisionRecord(parsedReview("deployment-selector-change.json").request, { decision: decision([long]), owner: "flux", patch: [], allowed: true }, { ...FACTS, valueMaxBytes: 64 });
    const { from, to } = record.findings[0]!;
    assert.equal(from, `${JSON.stringify("a".repeat(1000)).slice(0, 64)}…(truncated)`);
    assert.equal(to, `${'{"big":"' + "b".repeat(56)}…(truncated)`);
  });
});

describe("decisionRecord: bounded whatever the request holds", () => {
  it("cuts request strings to 1 KiB, keeps at most 100 findings and 100 patch paths, and says how many were left out", () => {
    const huge = "K".repeat(1024 * 1024);
    const req = request("deployment-selector-change.json", (raw) => {
      raw.request["kind"] = { group: "apps", version: "v1", kind: huge };
      raw.request["name"] = huge;
      raw.request["userInfo"] = { username: huge };
      raw.request["options"] = { fieldManager: huge };
    });
    const one = findingsFor("rules/apps/deployment-selector-common-labels.yaml")[0]!;
    const findings = Array.from({ length: 5_000 }, (_, i) => ({ ...one, path: `spec.x${i}.${huge}` }));
    const patch: Operation[] = Array.from({ length: 5_000 }, (_, i) => ({ op: "remove", path: `/spec/x${i}/${huge}` }));
    const record = decisionRecord(req, { decision: decision(findings, huge), owner: "flux", patch, allowed: true }, FACTS);
    const line = JSON.stringify(record);
    assert.ok(line.length < 300 * 1024, `record line is ${line.length} characters`);
    assert.equal(record.findings.length, RECORD_LIMITS.findings);
    assert.equal(record.findingsOmitted, 4_900);
    assert.equal(record.patchPaths.length, RECORD_LIMITS.patchPaths);
    assert.equal(record.patchPathsOmitted, 4_900);
    assert.ok(record.kind.endsWith("…(truncated)") && record.kind.length < 1100);
    assert.ok(record.name.length < 1100 && (record.user ?? "").length < 1100 && (record.fieldManager ?? "").length < 1100);
  });
});

describe("truncateValue", () => {
  it("keeps values whose canonical JSON fits, and undefined as undefined", () => {
    assert.equal(truncateValue(undefined, 16), undefined);
    assert.equal(truncateValue(null, 16), null);
    assert.deepEqual(truncateValue({ b: 1, a: [1, 2] }, 17), { b: 1, a: [1, 2] }, '{"a":[1,2],"b":1} is 17 bytes');
    const exact = "x".repeat(14); // 16 bytes of JSON with the quotes
    assert.equal(truncateValue(exact, 16), exact);
  });

  it("cuts longer values to the first maxBytes characters of their canonical JSON", () => {
    const value = { z: "last", a: "first" };
    const text = canonicalJson(value);
    assert.equal(truncateValue(value, 16), `${text.slice(0, 16)}…(truncated)`);
    assert.equal(truncateValue("x".repeat(15), 16), `"${"x".repeat(15)}…(truncated)`);
  });

  it("measures bytes of UTF-8, as valueMaxBytes says, not UTF-16 characters", () => {
    // 200 × "é" is 202 characters of JSON but 402 bytes: over a 256-byte budget.
    const kept = truncateValue("é".repeat(200), 256);
    assert.equal(typeof kept, "string");
    const text = String(kept);
    assert.ok(text.endsWith("…(truncated)"), `expected a truncated value, got ${text.length} characters`);
    assert.ok(Buffer.byteLength(text.slice(0, -"…(truncated)".length), "utf8") <= 256);
  });
});
