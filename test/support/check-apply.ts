import assert from "node:assert/strict";
import type { Operation } from "fast-json-patch";
import { mutateRequest, type AdmissionContext, type AdmissionOutcome } from "../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../src/core/admission/admission-review.ts";
import { compareObjects } from "../../src/core/compare/compare-objects.ts";
import type { Finding } from "../../src/core/findings/finding.ts";
import { findFindings } from "../../src/core/rules/find-findings.ts";
import { formatFieldPath, getAt, toJsonPointer, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { cloneJson, isEmptyValue, isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { groupOf } from "../../src/core/k8s/kube-object.ts";
import { setAt } from "../../src/core/k8s/set-at.ts";
import { acceptAnswer, type AcceptedAnswer } from "./apiserver-acceptance.ts";
import { asStored, updateReview, type RawUpdateReview } from "./update-review.ts";

/**
 * Who sends the UPDATE, besides Flux (check-flux-apply.ts): kubectl as a cluster admin,
 * helm-controller or the `helm` CLI (Helm's ownership metadata on both objects), Argo CD
 * (annotation tracking), kapp (its app label), and a controller no GitOps tool stands behind.
 */
export const APPLIERS = ["kubectl", "helm-controller", "helm", "argocd", "kapp", "controller"] as const;

export type Applier = (typeof APPLIERS)[number];

interface Identity {
  readonly userInfo: JsonObject;
  readonly fieldManager: string;
  readonly labels: (object: JsonObject) => Record<string, string>;
  readonly annotations: (object: JsonObject) => Record<string, string>;
}

const ADMIN: JsonObject = { username: "kubernetes-admin", groups: ["kubeadm:cluster-admins", "system:authenticated"] };
const NONE = (): Record<string, string> => ({});

function stringAt(object: JsonObject, ...segments: string[]): string {
  const value = getAt(object, segments);
  return typeof value === "string" ? value : "";
}

/** Helm's ownership metadata (helm/helm pkg/action/validate.go: the release name and namespace annotations, the managed-by label). */
const HELM_LABELS = (): Record<string, string> => ({ "app.kubernetes.io/managed-by": "Helm" });
function helmAnnotations(object: JsonObject): Record<string, string> {
  return { "meta.helm.sh/release-name": "web", "meta.helm.sh/release-namespace": stringAt(object, "metadata", "namespace") || "default" };
}

/** Argo CD annotation tracking: `<app>:<group>/<kind>:<namespace>/<name>` (argo-cd pkg resource_tracking.go). */
function argoAnnotations(object: JsonObject): Record<string, string> {
  const group = groupOf(stringAt(object, "apiVersion"));
  const id = `web:${group}/${stringAt(object, "kind")}:${stringAt(object, "metadata", "namespace")}/${stringAt(object, "metadata", "name")}`;
  return { "argocd.argoproj.io/tracking-id": id };
}

/** Labels Flux's kustomize-controller puts on what it applies: a tool other than Flux owning the object does not carry them. */
const FLUX_OWNER_LABELS = ["kustomize.toolkit.fluxcd.io/name", "kustomize.toolkit.fluxcd.io/namespace"];

const IDENTITIES: Readonly<Record<Exclude<Applier, "kubectl">, Identity>> = {
  "helm-controller": {
    userInfo: { username: "system:serviceaccount:flux-system:helm-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"] },
    fieldManager: "helm-controller",
    labels: HELM_LABELS,
    annotations: helmAnnotations,
  },
  helm: { userInfo: ADMIN, fieldManager: "helm", labels: HELM_LABELS, annotations: helmAnnotations },
  argocd: {
    userInfo: { username: "system:serviceaccount:argocd:argocd-application-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"] },
    fieldManager: "argocd-controller",
    labels: NONE,
    annotations: argoAnnotations,
  },
  kapp: { userInfo: ADMIN, fieldManager: "kapp", labels: () => ({ "kapp.k14s.io/app": "1718000000000000000", "kapp.k14s.io/association": "v1.5b0e1c7d" }), annotations: NONE },
  controller: { userInfo: { username: "system:kube-controller-manager", groups: ["system:authenticated"] }, fieldManager: "kube-controller-manager", labels: NONE, annotations: NONE },
};

/**
 * A copy of `object` with `labels` and `annotations` added to its metadata (a non-map is replaced);
 * a tool that labels what it owns replaces Flux's owner labels (the corpus has Flux-owned pairs).
 */
function withMetadata(object: JsonObject, labels: Record<string, string>, annotations: Record<string, string>): JsonObject {
  const copy = structuredClone(object);
  const metadata = isJsonObject(copy["metadata"]) ? copy["metadata"] : {};
  const next: JsonObject = { ...metadata };
  const owned = Object.keys(labels).length > 0 || Object.keys(annotations).length > 0;
  if (owned && isJsonObject(metadata["labels"])) next["labels"] = Object.fromEntries(Object.entries(metadata["labels"]).filter(([key]) => !FLUX_OWNER_LABELS.includes(key)));
  if (Object.keys(labels).length > 0) next["labels"] = { ...(isJsonObject(next["labels"]) ? next["labels"] : {}), ...labels };
  if (Object.keys(annotations).length > 0) next["annotations"] = { ...(isJsonObject(metadata["annotations"]) ? metadata["annotations"] : {}), ...annotations };
  copy["metadata"] = next;
  return copy;
}

/**
 * An UPDATE AdmissionReview v1 as kube-apiserver sends it for `by`: kubectl's is update-review.ts'
 * own; the others carry the tool's user, fieldManager, and ownership metadata on both objects
 * (the live object was applied by the same tool).
 */
export function applyReview(live: JsonObject, incoming: JsonObject, index: number, by: Applier): RawUpdateReview {
  if (by === "kubectl") return updateReview(live, incoming, index, "kubectl");
  const who = IDENTITIES[by];
  const old = withMetadata(live, who.labels(live), who.annotations(live));
  const object = withMetadata(incoming, who.labels(incoming), who.annotations(live));
  const raw = updateReview(old, object, index, "kubectl");
  return { ...raw, request: { ...raw.request, userInfo: who.userInfo, options: { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: who.fieldManager } } };
}

/** The same review as a dry run (`?dryRun=All`): kube-apiserver sets both request.dryRun and options.dryRun. */
export function dryRunOf(raw: RawUpdateReview): RawUpdateReview {
  const options = isJsonObject(raw.request["options"]) ? raw.request["options"] : {};
  return { ...raw, request: { ...raw.request, uid: `${raw.request.uid}-dry`, dryRun: true, options: { ...options, dryRun: ["All"] } } };
}

export interface ApplyResult {
  readonly outcome: AdmissionOutcome;
  readonly answer: AcceptedAnswer;
  /** The objects as sent (with the applier's ownership metadata). */
  readonly live: JsonObject;
  readonly incoming: JsonObject;
  /** How the request was answered: `denied`, `allowed`, or `patched:<action>`. */
  readonly kind: string;
}

function answer(raw: RawUpdateReview, context: AdmissionContext): { outcome: AdmissionOutcome; answer: AcceptedAnswer } {
  const review = admissionReviewSchema.parse(raw);
  const sent = JSON.stringify([review.request.object, review.request.oldObject]);
  let outcome: AdmissionOutcome;
  try {
    outcome = mutateRequest(review.request, context);
  } catch (error) {
    assert.fail(`mutateRequest threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  assert.equal(JSON.stringify([review.request.object, review.request.oldObject]), sent, "mutateRequest changed the request objects");
  const body: unknown = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })));
  return { outcome, answer: acceptAnswer(raw, body, "mutating") };
}

function resultOf(raw: RawUpdateReview, context: AdmissionContext): ApplyResult {
  const { outcome, answer: accepted } = answer(raw, context);
  const kind = !accepted.allowed ? "denied" : accepted.patch.length > 0 ? `patched:${outcome.decision.action}` : "allowed";
  return { outcome, answer: accepted, live: raw.request.oldObject, incoming: raw.request.object, kind };
}

/** /mutate's core on `by`'s UPDATE of `incoming` over `live`, answered and checked as kube-apiserver would. */
export function runApply(live: JsonObject, incoming: JsonObject, context: AdmissionContext, index: number, by: Applier): ApplyResult {
  return resultOf(applyReview(live, incoming, index, by), context);
}

/** Metadata the patch must never touch: the object's identity and the optimistic-concurrency token. */
const UNTOUCHABLE: readonly (readonly PathSegment[])[] = [["metadata", "name"], ["metadata", "namespace"], ["metadata", "uid"], ["metadata", "resourceVersion"]];

/** Rules matching list items by value or name (check-flux-apply.ts SET_RULES): their index paths are not "the same item" in live. */
const SET_RULES = new Set(["meta.ObjectMeta.finalizers", "core.Pod.tolerations", "core.Pod.schedulingGates", "storage.k8s.io.CSINode.drivers"]);

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Where `patched` still differs from `live` at or below `segments` (semantic equality, Secrets as stored). */
function leftAt(live: JsonObject, patched: JsonObject, segments: readonly PathSegment[]): string[] {
  return compareObjects(getAt(live, segments), getAt(asStored(patched), segments), { ignore: [] }).map((c) => formatFieldPath([...segments, ...c.path]));
}

function blockingOf(context: AdmissionContext, live: JsonObject, object: JsonObject): Finding[] {
  return findFindings(context.catalogue, { old: live, new: object }).filter((f) => f.severity === "blocking");
}

function isUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
}

/** `value` (found at `at`) with every restore path below `at` removed, then the maps that leaves empty pruned. */
function withoutRestored(value: JsonValue, at: readonly PathSegment[], restored: readonly (readonly PathSegment[])[]): JsonValue | undefined {
  const holder: JsonObject = { v: cloneJson(value) };
  for (const path of restored) if (path.length > at.length && samePath(path.slice(0, at.length), at)) setAt(holder, ["v", ...path.slice(at.length)], undefined);
  const prune = (v: JsonValue | undefined): JsonValue | undefined => {
    if (Array.isArray(v)) return v;
    if (!isJsonObject(v)) return v;
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(v)) {
      const kept = prune(child);
      if (kept !== undefined && !(isJsonObject(kept) && Object.keys(kept).length === 0)) out[key] = kept;
    }
    return out;
  };
  const pruned = prune(holder["v"]);
  return isJsonObject(pruned) && Object.keys(pruned).length === 0 ? undefined : pruned;
}

/**
 * Patch operations outside /metadata that are not restores: not at or below a server-assigned
 * finding's path, and not an `add`/`replace` of a parent the incoming object lacks (or holds
 * empty) whose value holds nothing but restored paths (jsonpatch.compare adds the missing
 * `template.metadata` whole when a restore writes a label into it).
 */
function strayOperations(patch: readonly Operation[], incoming: JsonObject, restored: readonly (readonly PathSegment[])[]): string[] {
  const pointers = restored.map(toJsonPointer);
  return patch
    .filter((op) => !isUnder(op.path, "/metadata"))
    .filter((op) => {
      if (pointers.some((p) => isUnder(op.path, p))) return false;
      if (op.op !== "add" && op.op !== "replace") return true;
      const at = restored.find((p) => isUnder(toJsonPointer(p), op.path));
      if (!at) return true;
      const segments = at.slice(0, op.path.split("/").length - 1);
      return !isEmptyValue(getAt(incoming, segments)) || withoutRestored(op.value as JsonValue, segments, restored) !== undefined;
    })
    .map((op) => `${op.op} ${op.path}`);
}

/** The segments of a JSON pointer into `object`: a token is an index where `object` holds a list. */
function segmentsOf(pointer: string, object: JsonObject): PathSegment[] {
  const out: PathSegment[] = [];
  let current: JsonValue | undefined = object;
  for (const token of pointer.split("/").slice(1).map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"))) {
    const segment: PathSegment = Array.isArray(current) && /^\d+$/.test(token) ? Number(token) : token;
    out.push(segment);
    current = getAt(current ?? undefined, [segment]);
  }
  return out;
}

/**
 * The properties of a /mutate answer to an UPDATE by `by` under the default policy (only Flux's
 * objects are marked; others are denied, or get their dropped server-assigned values restored):
 * - mutateRequest does not throw nor change the request objects; kube-apiserver accepts the answer
 *   (acceptAnswer); the same review as a dry run gets the same answer;
 * - a blocking finding (builtin catalogue): denied, or allowed with a patch after which nothing
 *   blocking is left and every blocking path (set rules aside) is back at its live value;
 * - no blocking finding: allowed, every patch operation under /metadata or a restore (at a
 *   server-assigned finding's path, which is then back at its live value). When a dropped value
 *   kube-apiserver does not re-fill makes the request refused as sent, the restore may also put
 *   back what the restored value needs (a Job template label its restored selector matches), so
 *   there any other operation need only leave a live value;
 * - allowed either way: every server-assigned finding that is not "info" (values kube-apiserver
 *   does not re-fill itself: the update is refused without them, server-assigned.ts) is back at
 *   its live value; identity and resourceVersion are untouched; a reinvocation with the patched
 *   object is allowed with no patch.
 */
export function checkApply(live: JsonObject, incoming: JsonObject, context: AdmissionContext, index: number, by: Applier): ApplyResult {
  const raw = applyReview(live, incoming, index, by);
  const result = resultOf(raw, context);
  const { outcome, answer: accepted } = result;
  const dry = answer(dryRunOf(raw), context).answer;
  const sentLive = result.live;
  const sentNew = result.incoming;
  const findings = findFindings(context.catalogue, { old: sentLive, new: sentNew });
  const blocking = findings.filter((f) => f.severity === "blocking");
  const assigned = findings.filter((f) => f.class === "server-assigned");
  const summary = `${by} ${outcome.owner}: ${outcome.decision.action}: ${outcome.decision.reason}; findings ${JSON.stringify(findings.map((f) => `${f.class}/${f.severity} ${f.path}`))}; patch ${JSON.stringify(accepted.patch)}`;
  assert.deepEqual([dry.allowed, dry.code, dry.patch], [accepted.allowed, accepted.code, accepted.patch], `the dry run was answered differently (${summary})`);
  if (!accepted.allowed) {
    assert.ok(blocking.length > 0, `denied with nothing blocking (${summary})`);
    return result;
  }
  const patched = accepted.patchedObject;
  assert.ok(patched, "an allowed answer has an object");
  if (blocking.length > 0) {
    assert.ok(accepted.patch.length > 0 || /exempt/.test(outcome.decision.reason), `a blocking change allowed unpatched (${summary})`);
    if (accepted.patch.length === 0) return result;
    assert.deepEqual(blockingOf(context, sentLive, patched).map((f) => `${f.ruleId} ${f.path}`), [], `blocking findings left after the patch (${summary})`);
    for (const finding of blocking.filter((f) => !SET_RULES.has(f.ruleId))) {
      assert.deepEqual(leftAt(sentLive, patched, finding.segments), [], `${finding.path} not back at the live value (${summary})`);
    }
  } else {
    const stray = strayOperations(accepted.patch, sentNew, assigned.map((f) => f.segments));
    if (assigned.some((f) => f.severity !== "info")) {
      // Refused as sent (a dropped value kube-apiserver does not re-fill): a restore may also put
      // back what the restored value needs (a template label the restored Job selector matches,
      // batch.Job.template-labels), but only ever a live value.
      for (const op of stray) {
        const segments = segmentsOf(op.slice(op.indexOf(" ") + 1), patched);
        assert.deepEqual(leftAt(sentLive, patched, segments), [], `the restore wrote ${op} with a value the live object does not have (${summary})`);
      }
    } else {
      assert.deepEqual(stray, [], `an accepted change patched outside metadata and server-assigned paths (${summary})`);
    }
    for (const finding of assigned) {
      const pointer = toJsonPointer(finding.segments);
      if (!accepted.patch.some((op) => isUnder(op.path, pointer) || isUnder(pointer, op.path))) continue;
      assert.deepEqual(leftAt(sentLive, patched, finding.segments), [], `restored ${finding.path} not back at the live value (${summary})`);
    }
    assert.deepEqual(blockingOf(context, sentLive, patched).map((f) => `${f.ruleId} ${f.path}`), [], `the restore left a blocking finding (${summary})`);
  }
  if (!/exempt/.test(outcome.decision.reason)) {
    for (const finding of assigned.filter((f) => f.severity !== "info")) {
      assert.deepEqual(leftAt(sentLive, patched, finding.segments), [], `server-assigned ${finding.path} (refused without it) not restored (${summary})`);
    }
  }
  for (const path of UNTOUCHABLE) {
    if (blocking.some((f) => samePath(f.segments, path))) continue;
    assert.deepEqual(getAt(patched, path), getAt(sentNew, path), `the patch changed ${formatFieldPath(path)} (${summary})`);
  }
  if (accepted.patch.length > 0) {
    const again = runApply(live, patched, context, index, by);
    const againSummary = `${again.outcome.decision.action}: ${again.outcome.decision.reason}; patch ${JSON.stringify(again.answer.patch)}`;
    assert.equal(again.answer.allowed, true, `reinvocation denied (${againSummary}; first ${summary})`);
    assert.deepEqual(again.answer.patch, [], `reinvocation patched again (${againSummary}; first ${summary})`);
  }
  return result;
}
