import type { Assessment } from "../assess/assessment.ts";
import type { Reconcilable } from "../assess/reconcilable.ts";
import type { ActionType, JournalStep, Target } from "./journal.ts";
import type { RecoveryPolicy } from "./recovery-policy.ts";
import { desiredSelector } from "./desired-selector.ts";

/** Kinds that hold data: never recreated automatically (DESIGN "Replace-strategy resources" 4). */
export const DATA_BEARING_KINDS: ReadonlySet<string> = new Set(["PersistentVolumeClaim", "PersistentVolume", "Namespace", "CustomResourceDefinition"]);
/** Workloads whose pods keep serving through an orphan-recreate (the replacement engine). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
/** Cluster-scoped kinds a diagnosis may name without a namespace (everything else defaults to the owner's). */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set(["Namespace", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "CSIDriver", "RuntimeClass"]);
/** Objects one action touches at most: a diagnosis naming more is escalated (a person looks first). */
export const MAX_TARGETS = 16;

/** The runbooks an escalation names (docs/runbooks/). */
export const RUNBOOKS = {
  gaveUp: "docs/runbooks/reconciliation-stuck.md",
  helm: "docs/runbooks/helm-locked-or-exhausted.md",
  dataBearing: "docs/runbooks/data-bearing-change.md",
  rolledBack: "docs/runbooks/replacement-rolled-back.md",
} as const;

export type Plan =
  | { readonly type: "steps"; readonly action: ActionType; readonly steps: readonly JournalStep[]; readonly summary: string }
  | { readonly type: "recommend"; readonly reason: string }
  | { readonly type: "escalate"; readonly reason: string };

const steps = (action: ActionType, list: JournalStep[], summary: string): Plan => ({ type: "steps", action, steps: list, summary });
const recommendOnly = (reason: string): Plan => ({ type: "recommend", reason });

function targetsOf(owner: Reconcilable, a: Assessment): Target[] {
  const spec = owner.object.spec;
  const targetNamespace = spec !== undefined && spec !== null && "targetNamespace" in spec && typeof spec.targetNamespace === "string" ? spec.targetNamespace : undefined;
  const fallback = targetNamespace ?? a.object.namespace;
  return a.objects.map((o) => ({ kind: o.kind, name: o.name, namespace: o.namespace ?? (CLUSTER_SCOPED.has(o.kind) ? null : fallback) }));
}

function stalledReason(owner: Reconcilable): string | undefined {
  if (owner.kind === "Application") return undefined;
  const stalled = owner.object.status?.conditions?.find((c) => c.type === "Stalled");
  return stalled?.status === "True" ? stalled.reason : undefined;
}

/** Flux-owned: workloads by orphan-recreate (the engine), everything else by Flux's own recreate (the force marker). */
function fluxPlan(targets: readonly Target[], a: Assessment, replacementAvailable: boolean): Plan {
  const workloads = targets.filter((t) => WORKLOAD_KINDS.has(t.kind));
  const others = targets.filter((t) => !WORKLOAD_KINDS.has(t.kind));
  if (workloads.length > 0 && !replacementAvailable) {
    const cmds = workloads.map((t) => `gitops-guard replace ${t.kind.toLowerCase()}/${t.name}${t.namespace === null ? "" : ` -n ${t.namespace}`}`).join("; ");
    return recommendOnly(`workloads are recreated by orphan-recreate so their pods keep serving, and the replacement engine is not available to watch: run ${cmds}`);
  }
  // A selector change must tell the engine the new selector (it verifies adoption otherwise, and
  // nothing would be adopted); the refused value is in the error. Without it: a person decides.
  const selectorChange = a.fields.some((f) => f === "spec.selector" || f.startsWith("spec.selector."));
  const selector = selectorChange ? desiredSelector(a.message) : undefined;
  if (workloads.length > 0 && selectorChange && (selector === undefined || workloads.length > 1)) {
    return recommendOnly("the new selector cannot be read from the error (matchExpressions, or several workloads): run gitops-guard replace with the desired manifest");
  }
  const list: JournalStep[] = [
    ...others.map((target): JournalStep => ({ op: "mark-force", target, done: false })),
    ...workloads.map((target): JournalStep => ({ op: "orphan-recreate", target, done: false, ...(selector === undefined ? {} : { selector }) })),
    { op: "request-reconcile", reset: false, force: false, done: false },
  ];
  return steps(workloads.length > 0 ? "orphan-recreate" : "flux-recreate", list, workloads.length > 0 ? "orphan-recreate the workloads, mark the rest for Flux's recreate, request a reconcile" : "mark for Flux's recreate (kustomize.toolkit.fluxcd.io/force: enabled on the live object), request a reconcile");
}

/**
 * Immutable conflict named by a diagnosis (watch-recovery.md §2, §6; DESIGN facts 4): Flux
 * objects of `recreate` kinds get Flux's force marker on the live object and a requestedAt on
 * the Kustomization; Flux workloads go through orphan-recreate; Helm-owned objects are deleted
 * with propagationPolicy Orphan and re-created by the next upgrade (forceAt when retries are
 * exhausted); Argo CD ≥ 3.3 reads Replace=true,Force=true from the live object. Data-bearing
 * objects are never recreated.
 */
function immutablePlan(owner: Reconcilable, a: Assessment, policy: RecoveryPolicy, replacementAvailable: boolean): Plan {
  const targets = targetsOf(owner, a);
  if (targets.length === 0) return recommendOnly("the diagnosis names no object to recreate");
  if (targets.length > MAX_TARGETS) return { type: "escalate", reason: `the diagnosis names ${targets.length} objects (more than ${MAX_TARGETS}): a person decides. Runbook: ${RUNBOOKS.gaveUp}` };
  const data = targets.filter((t) => DATA_BEARING_KINDS.has(t.kind));
  if (data.length > 0) {
    return { type: "escalate", reason: `${data.map((t) => t.kind).join(", ")} holds data and is never recreated automatically: migrate it (new object beside it, copy or snapshot the data first). Runbook: ${RUNBOOKS.dataBearing}` };
  }
  if (owner.kind === "Kustomization") return fluxPlan(targets, a, replacementAvailable);
  if (owner.kind === "HelmRelease") {
    const exhausted = stalledReason(owner) === "RetriesExceeded";
    const list: JournalStep[] = [...targets.map((target): JournalStep => ({ op: "orphan-delete", target, done: false })), { op: "request-reconcile", reset: false, force: exhausted, done: false }];
    return steps("helm-recreate", list, `delete with propagationPolicy Orphan (pods keep running), then ${exhausted ? "forceAt" : "requestedAt"}: helm-controller's upgrade creates what is missing`);
  }
  if (!policy.argocdLiveSyncOptions) return recommendOnly("Argo CD before 3.3 reads sync options from the desired manifest only (recovery.argocdLiveSyncOptions is false)");
  // Replace=true,Force=true deletes before it creates: a workload's pods would go first.
  if (targets.some((t) => WORKLOAD_KINDS.has(t.kind))) return recommendOnly("Argo CD's Replace=true,Force=true deletes a workload with its pods: replace it with gitops-guard replace (orphan-recreate) instead");
  return steps("argo-replace", [...targets.map((target): JournalStep => ({ op: "argo-replace", target, done: false })), { op: "argo-sync", done: false }], "argocd.argoproj.io/sync-options: Replace=true,Force=true on the live object, then a sync");
}

export interface PlanInput {
  readonly owner: Reconcilable;
  readonly assessment: Assessment;
  readonly policy: RecoveryPolicy;
  /** A replacement engine was given to watch (orphan-recreate of workloads). */
  readonly replacementAvailable: boolean;
}

/** The action for the assessment's cause when the policy says `recover` (pure). */
export function planAction(input: PlanInput): Plan {
  const { owner, assessment: a, policy } = input;
  switch (a.cause) {
    case "immutable":
      return immutablePlan(owner, a, policy, input.replacementAvailable);
    case "helm-locked":
      if (owner.kind !== "HelmRelease") return recommendOnly("a Helm lock outside helm-controller: helm rollback <release> <last good revision>");
      if (!policy.helmControllerUnlocks) return recommendOnly(`helm-controller older than v0.37 does not unlock pending releases (recovery.helmControllerUnlocks is false); never edit Helm's storage Secrets. Runbook: ${RUNBOOKS.helm}`);
      return steps("unlock", [{ op: "request-reconcile", reset: false, force: false, done: false }], "requestedAt: helm-controller ≥ v0.37 unlocks the stale pending release on its next reconcile");
    case "retries-exhausted":
      if (owner.kind !== "HelmRelease") return recommendOnly("only HelmReleases have retry counters to reset");
      return steps("reset", [{ op: "request-reconcile", reset: true, force: false, done: false }], "resetAt + requestedAt with the same token (flux reconcile --reset)");
    default:
      return recommendOnly(`no automatic change for cause ${a.cause ?? "unknown"}: the recommendation and evidence are reported, and escalated after the window`);
  }
}
