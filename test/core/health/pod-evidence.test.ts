import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { matchLabelsSelector, podEvidence } from "../../../src/core/health/pod-evidence.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";

describe("podEvidence", () => {
  it("names waiting reasons, OOM kills and unschedulable pods with the scheduler's words, at most 5, each once", () => {
    const pods: JsonObject[] = [
      {
        metadata: { name: "api-1" },
        status: {
          conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." }],
        },
      },
      {
        metadata: { name: "api-2" },
        status: {
          initContainerStatuses: [{ name: "migrate", state: { waiting: { reason: "CreateContainerConfigError" } } }],
          containerStatuses: [{ name: "api", state: { waiting: { reason: "ContainerCreating" } } }],
        },
      },
      ...Array.from({ length: 6 }, (_, i) => ({ metadata: { name: `api-crash-${i}` }, status: { containerStatuses: [{ name: "api", state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "OOMKilled" } } }] } })),
    ];
    assert.deepEqual(podEvidence(pods), [
      "pod api-1: Unschedulable: 0/3 nodes are available: 3 Insufficient memory.",
      "pod api-2 container migrate: CreateContainerConfigError",
      "pod api-crash-0 container api: CrashLoopBackOff",
      "pod api-crash-0 container api: OOMKilled (last restart)",
      "pod api-crash-1 container api: CrashLoopBackOff",
    ]);
    assert.deepEqual(podEvidence([{ metadata: { name: "fine" }, status: { containerStatuses: [{ name: "a", state: { running: {} } }] } }]), []);
  });

  it("builds a label selector from matchLabels only", () => {
    assert.equal(matchLabelsSelector({ spec: { selector: { matchLabels: { app: "api", tier: "web" } } } }), "app=api,tier=web");
    assert.equal(matchLabelsSelector({ spec: { selector: { matchExpressions: [] } } }), undefined);
  });
});
