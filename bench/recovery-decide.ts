/**
 * Cost of automated recovery on every resync (issue 15): `watch` asks decideRecovery about every
 * object it knows, every 30 s. 10,000 objects (5,000 Kustomizations, 5,000 HelmReleases; one in
 * five stuck: immutable Job templates, Helm locks; one in ten of those with a journal in
 * `validating`), assessed once, then decided — time per full pass, median of --runs after a warm-up.
 *
 * `node bench/recovery-decide.ts [--runs 7]` (pinned Node on PATH). Prints one line.
 */
import { parseArgs } from "node:util";
import { assess } from "../src/core/assess/assess.ts";
import { parseReconcilable, type Reconcilable } from "../src/core/assess/reconcilable.ts";
import { policySchema } from "../src/core/policy/policy-schema.ts";
import { decideRecovery } from "../src/core/recovery/decide-recovery.ts";
import { JOURNAL_ANNOTATION } from "../src/core/recovery/journal.ts";
import { recoveryPolicy } from "../src/core/recovery/recovery-policy.ts";
import { median } from "./median.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const RUNS = Number(values.runs);
const NOW = Date.parse("2026-12-07T12:00:00Z");
const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastTransitionTime: "2026-12-07T11:40:00Z" });
const JOURNAL = JSON.stringify({ v: 1, cause: "helm-locked", action: "unlock", attempt: 1, phase: "validating", at: "2026-12-07T11:59:00.000Z", token: "2026-12-07T11:59:00.000Z", steps: [{ op: "request-reconcile", reset: false, force: false, done: true }], tried: [] });

function object(i: number): unknown {
  const ns = `team-${i % 50}`;
  const stuck = i % 5 === 0;
  const annotations = stuck && i % 50 === 0 ? { [JOURNAL_ANNOTATION]: JOURNAL } : {};
  if (i % 2 === 0) {
    const message = `Job/${ns}/migrate-${i} dry-run failed (Invalid): Job.batch "migrate-${i}" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable`;
    return { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", metadata: { name: `ks-${i}`, namespace: ns, annotations }, spec: { interval: "10m" }, status: { lastAttemptedRevision: "main@sha1:2", conditions: stuck ? [cond("Ready", "False", "ReconciliationFailed", message)] : [cond("Ready", "True", "ReconciliationSucceeded", "Applied revision: main@sha1:1")] } };
  }
  const locked = `Helm upgrade failed for release ${ns}/hr-${i} with chart c@1.0.0: another operation (install/upgrade/rollback) is in progress`;
  return { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: `hr-${i}`, namespace: ns, annotations }, spec: { interval: "10m" }, status: { conditions: stuck ? [cond("Ready", "False", "UpgradeFailed", locked)] : [cond("Ready", "True", "UpgradeSucceeded", "ok")] } };
}

const owners: Reconcilable[] = [];
for (let i = 0; i < 10_000; i++) {
  const r = parseReconcilable(object(i));
  if (!r.ok) throw new Error(r.error);
  owners.push(r.value);
}
const assessed = owners.map((o) => ({ owner: o, assessment: assess(o, NOW, { stuckAfterSeconds: 300, escalateAfterSeconds: 1800 }) }));
const policy = recoveryPolicy(policySchema.parse({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy", recovery: { mode: "enforce" } }));
const { readJournal } = await import("../src/core/recovery/journal.ts");

function pass(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { owner, assessment } of assessed) {
    const d = decideRecovery({ owner, assessment, journal: readJournal(owner.object.metadata.annotations), policy, now: NOW, replacementAvailable: true });
    counts[d.type] = (counts[d.type] ?? 0) + 1;
  }
  return counts;
}

const counts = pass();
const times: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t = performance.now();
  pass();
  times.push(performance.now() - t);
}
console.log(`decideRecovery over 10,000 objects: median ${median(times).toFixed(1)} ms per pass (${RUNS} runs, min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); decisions ${JSON.stringify(counts)}`);
