import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyOutcome, isDryRun, queryParam, toolOf } from "../../../src/core/audit/classify-event.ts";
import type { AuditEvent } from "../../../src/core/audit/kube-audit-event.ts";

const event = (over: Partial<AuditEvent>): AuditEvent => ({ auditID: "a", stage: "ResponseComplete", verb: "update", ...over });
const status = (code: number, message?: string, reason?: string): Partial<AuditEvent> => ({
  responseStatus: { code, ...(message !== undefined ? { message } : {}), ...(reason !== undefined ? { reason } : {}) },
});

describe("classifyOutcome (audit-and-ci-outputs.md §1.4)", () => {
  const cases: [string, Partial<AuditEvent>, ReturnType<typeof classifyOutcome>][] = [
    ["webhook denial with a message", status(403, 'admission webhook "validation.gatekeeper.sh" denied the request: [x] no'), { type: "webhook-denial", webhook: "validation.gatekeeper.sh", code: 403 }],
    ["webhook denial without explanation", status(400, 'admission webhook "a.b" denied the request without explanation'), { type: "webhook-denial", webhook: "a.b", code: 400 }],
    ["our 422 recreate denial is a denial, not an immutable refusal", status(422, 'admission webhook "mutate.gitops-guard.io" denied the request: x: field is immutable'), { type: "webhook-denial", webhook: "mutate.gitops-guard.io", code: 422 }],
    ["authorization forbid", { ...status(403, "x is forbidden", "Forbidden"), annotations: { "authorization.k8s.io/decision": "forbid" } }, { type: "authorization-denial" }],
    ["legacy plain 403 Forbidden", status(403, "x is forbidden", "Forbidden"), { type: "authorization-denial" }],
    ["403 from admission after RBAC allowed", { ...status(403, 'pods "p" is forbidden: violates PodSecurity', "Forbidden"), annotations: { "authorization.k8s.io/decision": "allow" } }, { type: "error", code: 403 }],
    ["409 modified", status(409, "Operation cannot be fulfilled on deployments.apps \"w\": the object has been modified"), { type: "conflict" }],
    ["409 already exists", status(409, 'configmaps "c" already exists', "AlreadyExists"), { type: "conflict" }],
    ["422 field is immutable", status(422, "Deployment.apps \"a\" is invalid: spec.selector: Invalid value: …: field is immutable"), { type: "immutable" }],
    ["422 other", status(422, "spec.template.spec.containers[0].image: Required value"), { type: "invalid" }],
    ["webhook call failure", status(500, 'Internal error occurred: failed calling webhook "mutate.gitops-guard.io": context deadline exceeded'), { type: "webhook-failure", webhook: "mutate.gitops-guard.io" }],
    ["500 other", status(500, "etcdserver: request timed out"), { type: "error", code: 500 }],
    ["success", status(200), { type: "ok" }],
    ["no status", {}, { type: "ok" }],
  ];
  for (const [name, over, expected] of cases) it(name, () => assert.deepEqual(classifyOutcome(event(over)), expected));
});

describe("request URI and tool", () => {
  it("decodes query parameters and finds dry runs", () => {
    assert.equal(queryParam("/api?fieldManager=openshift.io%2Fimage-registry&x=1", "fieldManager"), "openshift.io/image-registry");
    assert.equal(queryParam("/api?fieldManager=%E0%A4%A", "fieldManager"), "%E0%A4%A", "a bad escape is kept as sent");
    assert.equal(isDryRun(event({ requestURI: "/x?dryRun=All" })), true);
    assert.equal(isDryRun(event({ requestURI: "/x?dryRun=" })), false);
    assert.equal(isDryRun(event({ requestURI: "/x" })), false);
  });

  it("attributes the tool from the service account, then the fieldManager, then the user agent", () => {
    assert.equal(toolOf(event({ user: { username: "system:serviceaccount:flux-system:kustomize-controller" } })), "flux");
    assert.equal(toolOf(event({ user: { username: "system:serviceaccount:flux-system:helm-controller" } })), "helm");
    assert.equal(toolOf(event({ user: { username: "system:serviceaccount:argocd:argocd-application-controller" } })), "argocd");
    assert.equal(toolOf(event({ user: { username: "ci" }, requestURI: "/x?fieldManager=kapp" })), "kapp");
    assert.equal(toolOf(event({ user: { username: "alice" }, requestURI: "/x?fieldManager=kubectl-client-side-apply" })), "kubectl");
    assert.equal(toolOf(event({ user: { username: "alice" }, userAgent: "kubectl/v1.34.1 (linux/amd64)" })), "kubectl");
    assert.equal(toolOf(event({ user: { username: "alice" }, impersonatedUser: { username: "system:serviceaccount:flux-system:kustomize-controller" } })), "flux", "impersonated user wins");
    assert.equal(toolOf(event({ user: { username: "bob" } })), "other");
  });
});
