import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FEATURE_GATES, gateStage, type GateName } from "../../../src/core/kube/feature-gates.ts";
import { gateEnabled, gateStates, kubeTarget } from "../../../src/core/kube/kube-target.ts";
import { resolveKubeTarget } from "../../../src/core/kube/resolve-kube-target.ts";
import { knownReleases, formatRelease } from "../../../src/core/kube/kube-release.ts";

const r = (minor: number) => ({ major: 1 as const, minor });

describe("feature gates per release", () => {
  it("follow the reference's table (1.34-plus reference §4)", () => {
    const states = (name: GateName) => knownReleases().map((release) => gateEnabled(kubeTarget(release, "default"), name));
    assert.deepEqual(states("MutableCSINodeAllocatableCount"), [false, false, true, true, true]);
    assert.deepEqual(states("MutablePodResourcesForSuspendedJobs"), [false, false, false, true, true]);
    assert.deepEqual(states("MutableSchedulingDirectivesForSuspendedJobs"), [false, false, false, true, true]);
    assert.deepEqual(states("InPlacePodLevelResourcesVerticalScaling"), [false, false, false, true, true]);
    assert.deepEqual(states("MutablePVNodeAffinity"), [false, false, false, false, false]);
    assert.deepEqual(states("PodCertificateRequest"), [false, false, false, false, true]);
    assert.deepEqual(states("HostnameOverride"), [false, false, true, true, true]);
  });

  it("name a source for every gate, and GA gates are on", () => {
    for (const [name, gate] of Object.entries(FEATURE_GATES)) {
      assert.ok(gate.source.length > 10, name);
      for (const release of knownReleases()) {
        const stage = gateStage(name as GateName, release);
        if (stage?.locked) assert.equal(stage.enabled, true, `${name} ${formatRelease(release)}`);
      }
    }
  });
});

describe("kubeTarget", () => {
  it("keeps an override that differs from the default, and drops one that does not", () => {
    const target = kubeTarget(r(37), "policy", new Map([["MutablePVNodeAffinity", true], ["MutablePodResourcesForSuspendedJobs", true]]));
    assert.deepEqual([...target.overrides], [["MutablePVNodeAffinity", true]]);
    assert.equal(gateEnabled(target, "MutablePVNodeAffinity"), true);
    assert.deepEqual(target.notes, []);
  });

  it("ignores, with a note, a gate the release lacks or a GA gate set against its lock", () => {
    const target = kubeTarget(r(36), "policy", new Map([["MutableCSINodeAllocatableCount", false], ["WorkloadWithJob", true]]));
    assert.deepEqual([...target.overrides], []);
    assert.equal(target.notes.length, 2);
    assert.match(target.notes.join("\n"), /MutableCSINodeAllocatableCount is GA and locked to true in Kubernetes 1\.36/);
    assert.match(target.notes.join("\n"), /WorkloadWithJob does not exist in Kubernetes 1\.36/);
  });

  it("treats a user key like __proto__ as a name, never as the Map's prototype", () => {
    const target = kubeTarget(r(37), "policy", new Map([["__proto__", true], ["constructor", true]]));
    assert.deepEqual([...target.overrides], []);
    assert.equal(gateEnabled(target, "MutablePVNodeAffinity"), false);
  });

  it("lists the gates of the release with their state", () => {
    const states = gateStates(kubeTarget(r(33), "default"));
    assert.ok(states.some((s) => s.name === "MutableCSINodeAllocatableCount" && !s.enabled));
    assert.ok(!states.some((s) => s.name === "WorkloadWithJob"));
  });
});

describe("resolveKubeTarget", () => {
  it("prefers the API server, then the flag, then the policy, then the newest known release", () => {
    const policy = { version: "1.34", featureGates: {} };
    assert.deepEqual(pick(resolveKubeTarget({ apiServer: r(35), flag: r(36), policy })), ["1.35", "api-server"]);
    assert.deepEqual(pick(resolveKubeTarget({ flag: r(36), policy })), ["1.36", "flag"]);
    assert.deepEqual(pick(resolveKubeTarget({ policy })), ["1.34", "policy"]);
    assert.deepEqual(pick(resolveKubeTarget({})), ["1.37", "default"]);
  });

  it("judges a cluster outside the known releases as the nearest one, and notes it", () => {
    const target = resolveKubeTarget({ apiServer: r(38) });
    assert.equal(formatRelease(target.release), "1.37");
    assert.match(target.notes[0] ?? "", /runs Kubernetes 1\.38; the catalogue knows 1\.33–1\.37 and judges it as 1\.37/);
  });
});

function pick(target: ReturnType<typeof resolveKubeTarget>): [string, string] {
  return [formatRelease(target.release), target.source];
}
