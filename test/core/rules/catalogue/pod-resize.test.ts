import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { podQosClass } from "../../../../src/core/rules/catalogue/pod-resize.ts";
import { findFindings } from "../../../../src/core/rules/find-findings.ts";
import type { JsonObject } from "../../../../src/core/k8s/json.ts";
import { catalogueAt } from "../../../support/rule-case.ts";

function pod(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" }, spec: { containers, ...extra } };
}
const c = (resources: JsonObject, more: JsonObject = {}): JsonObject => ({ name: "app", image: "app:1", resources, ...more });

describe("podQosClass (pkg/apis/core/helper/qos ComputePodQOS)", () => {
  it("BestEffort without cpu/memory, Guaranteed when requests equal limits (requests defaulted from limits), else Burstable", () => {
    assert.equal(podQosClass(pod([c({})])), "BestEffort");
    assert.equal(podQosClass(pod([c({ requests: { "ephemeral-storage": "1Gi" } })])), "BestEffort");
    assert.equal(podQosClass(pod([c({ limits: { cpu: "1", memory: "1Gi" } })])), "Guaranteed");
    assert.equal(podQosClass(pod([c({ requests: { cpu: "1000m", memory: "1024Mi" }, limits: { cpu: "1", memory: "1Gi" } })])), "Guaranteed");
    assert.equal(podQosClass(pod([c({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } })])), "Burstable");
    assert.equal(podQosClass(pod([c({ limits: { cpu: "1" } })])), "Burstable");
  });

  it("counts init containers, and pod-level resources instead of the containers' when set", () => {
    const guaranteed = c({ limits: { cpu: "1", memory: "1Gi" } });
    // Every container needs cpu and memory limits for Guaranteed, an init container without any included.
    assert.equal(podQosClass(pod([guaranteed], { initContainers: [{ name: "init", image: "i", resources: {} }] })), "Burstable");
    assert.equal(podQosClass(pod([guaranteed], { initContainers: [{ name: "init", image: "i", resources: { limits: { cpu: "1", memory: "1Gi" } } }] })), "Guaranteed");
    assert.equal(podQosClass(pod([guaranteed], { initContainers: [{ name: "init", image: "i", resources: { requests: { cpu: "100m" } } }] })), "Burstable");
    assert.equal(podQosClass(pod([c({})], { resources: { limits: { cpu: "2", memory: "2Gi" } } })), "Guaranteed");
  });
});

describe("pods/resize rules", () => {
  const resize = (release: string, old: JsonObject, next: JsonObject) =>
    findFindings(catalogueAt(release), { old, new: next, subresource: "resize" }).filter((f) => f.severity === "blocking").map((f) => `${f.ruleId} ${f.path}`);

  it("judge nothing but resources: an image or label change through resize is dropped, not refused", () => {
    const old = pod([c({ requests: { cpu: "1" } })]);
    const next = { ...pod([{ ...c({ requests: { cpu: "1" } }), image: "app:2" }]), metadata: { name: "p", namespace: "n", labels: { a: "b" } } };
    assert.deepEqual(resize("1.37", old, next), []);
  });

  it("a resize of a main-resource rule's field is not judged by the main-resource rules", () => {
    const old = pod([c({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } })]);
    const next = pod([c({ requests: { cpu: "750m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } })]);
    assert.deepEqual(resize("1.33", old, next), []);
    assert.notDeepEqual(findFindings(catalogueAt("1.33"), { old, new: next }).filter((f) => f.severity === "blocking"), []);
  });

  it("memory limit decrease: refused on 1.33 with NotRequired or no policy, accepted with RestartContainer and from 1.34", () => {
    const mk = (limit: string, policy?: string) =>
      pod([c({ requests: { cpu: "1", memory: "512Mi" }, limits: { cpu: "2", memory: limit } }, policy ? { resizePolicy: [{ resourceName: "memory", restartPolicy: policy }] } : {})]);
    assert.deepEqual(resize("1.33", mk("1Gi"), mk("768Mi")), ["core.Pod.resize.memory-limit-decrease spec.containers[0].resources.limits.memory"]);
    assert.deepEqual(resize("1.33", mk("1Gi", "RestartContainer"), mk("768Mi", "RestartContainer")), []);
    assert.deepEqual(resize("1.34", mk("1Gi"), mk("768Mi")), []);
    // The same amount written differently is no decrease.
    assert.deepEqual(resize("1.33", mk("1Gi"), mk("1024Mi")), []);
  });

  it("pod-level resources: any resize refused before 1.36; from 1.36 cpu and memory only", () => {
    const mk = (cpu: string, extra: JsonObject = {}) => pod([c({})], { resources: { requests: { cpu, memory: "1Gi", ...extra }, limits: { cpu: "2", memory: "2Gi" } } });
    assert.deepEqual(resize("1.35", mk("1"), mk("1500m")), ["core.Pod.resize.pod-level-resources spec.resources"]);
    assert.deepEqual(resize("1.36", mk("1"), mk("1500m")), []);
    assert.deepEqual(resize("1.36", mk("1"), mk("1", { "hugepages-2Mi": "2Mi" })), ["core.Pod.resize.pod-level-resources spec.resources.requests.hugepages-2Mi"]);
  });

  it("Windows pods cannot be resized", () => {
    const mk = (cpu: string) => pod([c({ requests: { cpu } })], { os: { name: "windows" } });
    assert.deepEqual(resize("1.37", mk("1"), mk("2")), ["core.Pod.resize.unsupported-pod spec.containers[0].resources"]);
  });
});
