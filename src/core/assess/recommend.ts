import type { RootCause } from "./assessment.ts";
import type { Cause } from "./cause.ts";
import type { Tool } from "./diagnose-message.ts";
import { formatRef, type ObjectRef } from "./object-ref.ts";

export interface RecommendInput {
  readonly cause: Cause | null;
  /** Who reconciles: picks the commands and markers named. */
  readonly tool: Tool | undefined;
  /** The reconciler object's kind and `namespace/name`, when there is one. */
  readonly subject?: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  readonly rootCause?: RootCause | null;
  /** Objects named by the diagnosis that are in the Kustomization's inventory (they come from its Git path). */
  readonly inInventory?: readonly ObjectRef[];
  readonly sourcePath?: string;
}

/** Kinds that hold data: never recreated automatically (DESIGN "Replace-strategy resources" 4). */
const DATA_BEARING = new Set(["PersistentVolumeClaim", "PersistentVolume", "Namespace", "CustomResourceDefinition"]);

function named(objects: readonly ObjectRef[]): string {
  if (objects.length === 0) return "the object";
  const shown = objects.slice(0, 3).map(formatRef).join(", ");
  return objects.length > 3 ? `${shown} and ${objects.length - 3} more` : shown;
}

/** `kubectl describe deployment api -n web` for the first object named (a runnable command). */
function describeCommand(objects: readonly ObjectRef[]): string {
  const first = objects[0];
  if (first === undefined) return "kubectl describe the objects it waits for";
  const more = objects.length > 1 ? ` (and ${objects.length - 1} more)` : "";
  return `kubectl describe ${first.kind.toLowerCase()} ${first.name}${first.namespace === null ? "" : ` -n ${first.namespace}`}${more}`;
}

function recreateMarker(tool: Tool | undefined): string {
  if (tool === "argocd") return "annotate it argocd.argoproj.io/sync-options: Replace=true,Force=true (delete and create; read from the live object since Argo CD 3.3)";
  if (tool === "helm") return "delete it so the next Helm upgrade creates it (under helm-controller: flux reconcile helmrelease <name> --force); helm upgrade --force is a PUT and fails the same way";
  if (tool === "kubectl") return "kubectl replace --force -f (delete and create)";
  return "label or annotate it kustomize.toolkit.fluxcd.io/force: enabled, or set the Kustomization's spec.force: true (Flux deletes and re-applies it)";
}

function immutableAdvice(input: RecommendInput): string {
  const { objects, fields } = input;
  const what = fields.length > 0 ? `${fields.slice(0, 5).join(", ")} of ${named(objects)}` : named(objects);
  const data = objects.filter((o) => DATA_BEARING.has(o.kind));
  if (data.length > 0) {
    return `${named(data)} holds data and cannot be changed in place: revert the change in Git, or migrate (create a new object beside it, copy the data or restore a snapshot, switch the workload, delete the old one); never force-recreate it.`;
  }
  const steps = [`The API server refuses to change ${what} in place. In Git: revert the change`, "or deploy it under a new name and switch over (blue-green)", `or mark it for recreation: ${recreateMarker(input.tool)}`];
  if (fields.some((f) => f === "spec.clusterIP" || f.startsWith("spec.clusterIPs"))) steps.push("for spec.clusterIP, omit it from the manifest (the API server keeps the assigned IP) unless the IP must change");
  if (fields.some((f) => f.startsWith("spec.selector") || f.startsWith("spec.template.metadata.labels"))) {
    steps.push("if kustomize commonLabels put the label in the selector, use `labels:` with `includeSelectors: false` (and not `kustomize edit fix`, which keeps includeSelectors: true)");
  }
  if (objects.some((o) => o.kind === "Job")) steps.push("a Job's template never changes: give each version its own name, or let finished Jobs go (ttlSecondsAfterFinished)");
  if (objects.some((o) => o.kind === "StatefulSet")) steps.push("for a StatefulSet, delete it with --cascade=orphan so its pods keep running, then let the reconciler re-create it (resize PVCs separately)");
  return `${steps.join("; ")}.`;
}

function reconcileCommand(input: RecommendInput, extra = ""): string {
  const s = input.subject;
  if (s === undefined) return "reconcile again";
  if (s.kind === "Application") return `argocd app sync ${s.name}`;
  return `flux reconcile ${s.kind.toLowerCase()} ${s.name} -n ${s.namespace}${extra}`;
}

function dependencyAdvice(input: RecommendInput): string {
  const root = input.rootCause;
  if (root === null || root === undefined) return "A dependency is not ready: check the objects in spec.dependsOn (flux get kustomizations -A) and fix the first one that is not Ready.";
  const chain = root.chain.map((r) => `${r.kind}/${r.namespace}/${r.name}`).join(" → ");
  const why = root.cause === null ? root.state : `${root.state}, ${root.cause}`;
  return `Waiting on ${chain}. Fix the root cause first: ${root.object.kind}/${root.object.namespace}/${root.object.name} (${why}); this one follows within 30 s of it becoming Ready.`;
}

const ADVICE: Readonly<Record<Cause, (input: RecommendInput) => string>> = {
  immutable: immutableAdvice,
  dependency: dependencyAdvice,
  "health-check": (i) =>
    `A workload did not become healthy: ${describeCommand(i.objects)} and its pods' Events (ImagePullBackOff, CrashLoopBackOff, Unschedulable, OOMKilled); fix it in Git, then ${reconcileCommand(i)}.`,
  source: (i) => `The source is missing or has no artifact: check it (flux get sources all -A), its URL and credentials; then ${reconcileCommand(i, " --with-source")}.`,
  build: (i) => `The manifests do not build: run flux build kustomization ${i.subject?.name ?? "<name>"} --path ${i.sourcePath ?? "<path>"} (or kustomize build) locally and fix the overlay.`,
  "helm-install": (i) => `Helm install failed: read the error (flux logs --kind=HelmRelease --name=${i.subject?.name ?? "<name>"}); once fixed, ${reconcileCommand(i, " --reset")}.`,
  "helm-upgrade": (i) => `Helm upgrade failed: read the error (helm history, flux logs --kind=HelmRelease); once fixed, ${reconcileCommand(i, " --reset")}.`,
  "helm-test": () => "Helm tests failed: read the test pods' logs; fix the release, or set spec.test.ignoreFailures only for tests known to be flaky.",
  "helm-locked": (i) =>
    `The Helm release is locked in a pending-* state. helm-controller ≥ v0.37 (Flux 2.2) unlocks it on its next run: ${reconcileCommand(i)}. Without Flux or on older controllers: helm rollback <release> <last good revision>; never edit Helm's storage Secrets by hand.`,
  "retries-exhausted": (i) =>
    `The controller stopped retrying (Stalled). Fix the cause, then ${reconcileCommand(i, " --reset")} (or set reconcile.fluxcd.io/requestedAt and reconcile.fluxcd.io/resetAt to the same new token). With no rollback target in .status.history, fix forward or uninstall.`,
  timeout: (i) => `It ran past its timeout: find what it waits for (kubectl get events -n ${i.subject?.namespace ?? "<namespace>"}), or raise spec.timeout if the work is legitimately slow.`,
  invalid: (i) => `The API server rejects the manifest: fix ${i.fields.length > 0 ? i.fields.slice(0, 5).join(", ") : "the fields named"} of ${named(i.objects)} in Git (kubectl apply --dry-run=server reproduces it).`,
  conflict: (i) =>
    `A write conflict, not an immutable field: a 409 "object has been modified" passes on the next retry; a server-side apply conflict needs the other field manager to release ${i.fields.length > 0 ? i.fields.slice(0, 5).join(", ") : "the fields"} (or the applier to force ownership).`,
  forbidden: () => "Permission or admission denial: check the reconciler's service account (kubectl auth can-i) or the admission webhook/policy named in the message.",
  other: (i) => `Read the message; ${i.subject?.kind === "Application" ? "argocd app get" : "flux events --for"} ${i.subject ? `${i.subject.kind}/${i.subject.name}` : "<object>"} and kubectl describe show more.`,
};

/** What a person should do next, in Git first (R4.3): one paragraph of text. */
export function recommend(input: RecommendInput): string {
  if (input.cause === null) return "Nothing to do.";
  const advice = ADVICE[input.cause](input);
  const inv = input.inInventory ?? [];
  if (inv.length === 0) return advice;
  const where = input.sourcePath ? ` under ${input.sourcePath}` : "";
  return `${advice} ${named(inv)} ${inv.length === 1 ? "comes" : "come"} from this Kustomization's source${where}: make the change there.`;
}
