import assert from "node:assert/strict";
import type { Catalogue } from "../../src/core/rules/catalogue.ts";
import { catalogueFor } from "../../src/core/rules/catalogue-for.ts";
import { parseRelease } from "../../src/core/kube/kube-release.ts";
import { kubeTarget } from "../../src/core/kube/kube-target.ts";
import { resolveKubeTarget } from "../../src/core/kube/resolve-kube-target.ts";
import { findFindings } from "../../src/core/rules/find-findings.ts";
import type { Finding } from "../../src/core/findings/finding.ts";
import type { ClusterFacts } from "../../src/core/rules/rule.ts";
import { loadPair } from "./load-yaml.ts";

let catalogue: Catalogue | undefined;

/** The built-in catalogue for the newest release the catalogue knows (default gates), built once per test process. */
export function builtinCatalogue(): Catalogue {
  catalogue ??= catalogueFor(resolveKubeTarget({}));
  return catalogue;
}

const byTarget = new Map<string, Catalogue>();

/** The built-in catalogue for one release (`1.33`) and gate overrides, built once per test process. */
export function catalogueAt(version: string, featureGates: Readonly<Record<string, boolean>> = {}): Catalogue {
  const key = `${version} ${JSON.stringify(Object.entries(featureGates).sort())}`;
  let found = byTarget.get(key);
  if (!found) {
    const release = parseRelease(version);
    if (!release) throw new Error(`not a release: ${version}`);
    found = catalogueFor(kubeTarget(release, "flag", new Map(Object.entries(featureGates))));
    byTarget.set(key, found);
  }
  return found;
}

/** Findings for a fixture pair (test/fixtures/<path>: old document, then new document). */
export function findingsFor(fixture: string, cluster?: ClusterFacts): Finding[] {
  const pair = loadPair(fixture);
  return findFindings(builtinCatalogue(), { old: pair.old, new: pair.new, ...(cluster ? { cluster } : {}) });
}

/** What a rule case expects; paths are Kubernetes field paths. */
export interface Expectation {
  /** The API server refuses: a blocking finding at each of these paths (or below them), with this rule id. */
  readonly refused?: { readonly ruleId: string; readonly paths: readonly string[] };
  /** A server-assigned restore at each of these paths (the API server would refuse, the webhook restores). */
  readonly restored?: readonly string[];
  /** The API server accepts: no blocking finding at all. */
  readonly accepted?: true;
}

function atOrBelow(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Asserts the expectation against the findings of a fixture pair and returns them. */
export function expectFindings(fixture: string, expected: Expectation, cluster?: ClusterFacts): Finding[] {
  const findings = findingsFor(fixture, cluster);
  const blocking = findings.filter((f) => f.severity === "blocking");
  if (expected.accepted) {
    assert.deepEqual(blocking.map((f) => `${f.ruleId} ${f.path}`), [], `${fixture}: expected no blocking finding`);
  }
  if (expected.refused) {
    const { ruleId, paths } = expected.refused;
    for (const path of paths) {
      const hit = blocking.find((f) => f.ruleId === ruleId && atOrBelow(f.path, path));
      assert.ok(hit, `${fixture}: expected blocking ${ruleId} at ${path}; got ${JSON.stringify(findings.map((f) => [f.ruleId, f.path, f.severity]))}`);
    }
  }
  for (const path of expected.restored ?? []) {
    const hit = findings.find((f) => f.class === "server-assigned" && atOrBelow(f.path, path));
    assert.ok(hit, `${fixture}: expected a server-assigned restore at ${path}; got ${JSON.stringify(findings.map((f) => [f.ruleId, f.path, f.class]))}`);
  }
  return findings;
}
