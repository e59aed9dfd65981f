import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { catalogueFor, ruleHolds } from "../../../src/core/rules/catalogue-for.ts";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { BUILTIN_RULES } from "../../../src/core/rules/catalogue/builtin-rules.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { FEATURE_GATES, type GateName } from "../../../src/core/kube/feature-gates.ts";
import { knownReleases, formatRelease, parseRelease } from "../../../src/core/kube/kube-release.ts";
import { kubeTarget } from "../../../src/core/kube/kube-target.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";

const GATES = Object.keys(FEATURE_GATES) as GateName[];

describe("catalogueFor", () => {
  it("builds a catalogue for every known release, with default gates and with each gate flipped (one variant per rule id)", () => {
    for (const release of knownReleases()) {
      const defaults = catalogueFor(kubeTarget(release, "default"));
      assert.ok(defaults.all.length > 80, formatRelease(release));
      for (const gate of GATES) {
        for (const enabled of [true, false]) catalogueFor(kubeTarget(release, "policy", new Map([[gate, enabled]])));
      }
    }
  });

  it("holds every built-in rule in at least one release and gate setting", () => {
    const held = new Set<Rule>();
    for (const release of knownReleases()) {
      for (const overrides of [new Map<string, boolean>(), ...GATES.flatMap((g) => [new Map([[g, true]]), new Map([[g, false]])])]) {
        for (const rule of BUILTIN_RULES) if (ruleHolds(rule, kubeTarget(release, "policy", overrides))) held.add(rule);
      }
    }
    assert.deepEqual(BUILTIN_RULES.filter((r) => !held.has(r)).map((r) => r.id), []);
  });

  it("dates rules by since/until and selects gate variants", () => {
    const ids = (minor: number, gates: Record<string, boolean> = {}) =>
      catalogueFor(kubeTarget({ major: 1, minor }, "policy", new Map(Object.entries(gates)))).all.map((r) => r.id);
    assert.ok(ids(33).includes("core.Pod.resize.memory-limit-decrease"));
    assert.ok(!ids(34).includes("core.Pod.resize.memory-limit-decrease"));
    assert.ok(!ids(33).includes("certificates.k8s.io.PodCertificateRequest.spec"));
    assert.ok(ids(34).includes("certificates.k8s.io.PodCertificateRequest.spec"));
    assert.ok(!ids(37).includes("batch.Job.scheduling"));
    assert.ok(ids(37, { WorkloadWithJob: true }).includes("batch.Job.scheduling"));
    assert.ok(ids(37).includes("core.PersistentVolume.nodeAffinity"));
    assert.ok(!ids(37, { MutablePVNodeAffinity: true }).includes("core.PersistentVolume.nodeAffinity"));
  });

  it("adds the extra rules (policy, CRDs) to every release", () => {
    const extra: Rule = { id: "custom.Widget.spec", group: "example.io", kind: "Widget", path: "spec", class: "declared", check: { type: "frozen" }, why: "x", source: "policy" };
    for (const release of knownReleases()) assert.ok(catalogueFor(kubeTarget(release, "default"), [extra]).rulesFor("example.io", "Widget").some((r) => r.id === extra.id));
  });

  it("refuses a rule dated with something that is not a release", () => {
    const bad: Rule = { id: "x.Widget.spec", group: "example.io", kind: "Widget", path: "spec", class: "immutable", check: { type: "frozen" }, why: "x", source: "test", since: "soon" };
    assert.throws(() => createCatalogue([bad]), /since "soon" is not a Kubernetes release/);
  });

  it("keeps subresource rules apart from the main resource's", () => {
    const catalogue = catalogueFor(kubeTarget({ major: 1, minor: 37 }, "default"));
    assert.ok(catalogue.judgesSubresource("", "Pod", "resize"));
    assert.ok(!catalogue.judgesSubresource("", "Pod", "status"));
    assert.ok(!catalogue.judgesSubresource("apps", "Deployment", "scale"));
    assert.ok(catalogue.rulesFor("", "Pod", "resize").every((r) => r.subresource === "resize"));
    assert.ok(catalogue.rulesFor("", "Pod").every((r) => r.subresource === undefined));
  });
});

describe("findings name the release and gates they were judged under", () => {
  it("for a dated or gated rule only", () => {
    const release = parseRelease("1.33");
    assert.ok(release);
    const catalogue = catalogueFor(kubeTarget(release, "flag"));
    const csinodeOld = { apiVersion: "storage.k8s.io/v1", kind: "CSINode", metadata: { name: "n1" }, spec: { drivers: [{ name: "d", nodeID: "i-1", allocatable: { count: 25 } }] } };
    const csinodeNew = { ...csinodeOld, spec: { drivers: [{ name: "d", nodeID: "i-1", allocatable: { count: 24 } }] } };
    const [gated] = findFindings(catalogue, { old: csinodeOld, new: csinodeNew });
    assert.deepEqual(gated?.judgedUnder, { kubernetesVersion: "1.33", featureGates: { MutableCSINodeAllocatableCount: false } });
    const deployOld = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "w" }, spec: { selector: { matchLabels: { app: "w" } }, template: { metadata: { labels: { app: "w" } } } } };
    const deployNew = { ...deployOld, spec: { selector: { matchLabels: { app: "w", v: "2" } }, template: { metadata: { labels: { app: "w", v: "2" } } } } };
    const undated = findFindings(catalogue, { old: deployOld, new: deployNew });
    assert.ok(undated.length > 0 && undated.every((f) => f.judgedUnder === undefined));
  });
});
