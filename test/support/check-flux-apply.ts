import assert from "node:assert/strict";
import { mutateRequest, type AdmissionContext, type AdmissionOutcome } from "../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../src/core/admission/admission-review.ts";
import { compareObjects } from "../../src/core/compare/compare-objects.ts";
import { findFindings } from "../../src/core/rules/find-findings.ts";
import { formatFieldPath, getAt, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { acceptAnswer, type AcceptedAnswer } from "./apiserver-acceptance.ts";
import { asStored, updateReview } from "./update-review.ts";

/** Metadata the patch must never touch: the object's identity and the optimistic-concurrency token. */
const UNTOUCHABLE: readonly (readonly PathSegment[])[] = [["metadata", "name"], ["metadata", "namespace"], ["metadata", "uid"], ["metadata", "resourceVersion"]];

/** Why a Flux-owned conflict may be denied rather than marked under the default policy. */
const DENIAL_REASONS = [/^data-bearing object/, /^marked object: same change again/];

export interface FluxApplyResult {
  readonly outcome: AdmissionOutcome;
  readonly answer: AcceptedAnswer;
  readonly live: JsonObject;
  readonly incoming: JsonObject;
}

/** /mutate's core on a Flux apply of `incoming` over `live`, answered and checked as kube-apiserver would. */
export function runFluxApply(live: JsonObject, incoming: JsonObject, context: AdmissionContext, index = 0): FluxApplyResult {
  const raw = updateReview(live, incoming, index, "flux");
  const review = admissionReviewSchema.parse(raw);
  const sent = JSON.stringify(review.request.object);
  const outcome = mutateRequest(review.request, context);
  assert.equal(JSON.stringify(review.request.object), sent, "mutateRequest changed the request object (the patch must be diffed against what arrived)");
  const body: unknown = JSON.parse(JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })));
  const answer = acceptAnswer(raw, body, "mutating");
  return { outcome, answer, live: raw.request.oldObject, incoming: raw.request.object };
}

function blockingPaths(context: AdmissionContext, live: JsonObject, object: JsonObject): string[] {
  return findFindings(context.catalogue, { old: live, new: object }).filter((f) => f.severity === "blocking").map((f) => `${f.ruleId} ${f.path}`);
}

function isEmptyMap(value: JsonValue | undefined): boolean {
  return isJsonObject(value) && Object.keys(value).length === 0;
}

/**
 * Fields typed `map[string]…` in the Kubernetes API: `{}` there decodes into an empty map, which
 * apiequality.Semantic.DeepEqual takes for nil (unlike `{}` for a struct pointer such as
 * `affinity`, which decodes non-nil). Service and ReplicationController `spec.selector` are maps;
 * workload selectors are `*LabelSelector`.
 */
const MAP_FIELDS = new Set<PathSegment>([
  "data", "stringData", "binaryData", "labels", "annotations", "nodeSelector", "matchLabels", "parameters",
  "requests", "limits", "capacity", "allocatable", "hard", "volumeAttributes", "overhead", "attributes",
]);

function isGoMap(object: JsonObject, path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  if (last !== undefined && MAP_FIELDS.has(last)) return true;
  const kind = object["kind"];
  return (kind === "Service" || kind === "ReplicationController") && path.length === 2 && path[0] === "spec" && last === "selector";
}

/** Every node of `value` with its path. */
function nodes(value: JsonValue, prefix: PathSegment[] = []): [PathSegment[], JsonValue][] {
  const children: [PathSegment, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isJsonObject(value) ? Object.entries(value) : [];
  return [[prefix, value], ...children.flatMap(([key, child]) => nodes(child, [...prefix, key]))];
}

/** A path with its list indexes wildcarded: a list item that moved (a removal before it) is the same node. */
function pattern(path: readonly PathSegment[]): string {
  return path.map((s) => (typeof s === "number" ? "*" : s)).join("\u0000");
}

/** How many `{}` each index-free path holds, map fields aside (isGoMap). */
function emptyStructs(object: JsonObject): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [path, value] of nodes(object)) {
    if (!isEmptyMap(value) || path.length === 0 || isGoMap(object, path)) continue;
    counts.set(pattern(path), (counts.get(pattern(path)) ?? 0) + 1);
  }
  return counts;
}

/**
 * `{}` for a struct pointer the patch brought in: more `{}` at some index-free path than the live or
 * the incoming object has there (the revert bug family: `affinity: {podAntiAffinity: {}}`, `[{}]`).
 */
function newEmptyStructs(live: JsonObject, incoming: JsonObject, patched: JsonObject): string[] {
  const before = [emptyStructs(live), emptyStructs(incoming)];
  return [...emptyStructs(patched)]
    .filter(([key, count]) => count > Math.max(...before.map((m) => m.get(key) ?? 0)))
    .map(([key]) => key.replaceAll("\u0000", "."));
}

/**
 * Names held twice in one list of named items (containers, volumes, ports, scheduling gates…: the
 * API server refuses such a duplicate, `field.Duplicate`), keyed by the list's index-free path.
 */
function duplicateNames(object: JsonObject): Set<string> {
  const out = new Set<string>();
  for (const [path, value] of nodes(object)) {
    if (!Array.isArray(value)) continue;
    const names = value.map((item) => (isJsonObject(item) && typeof item["name"] === "string" ? item["name"] : undefined)).filter((n) => n !== undefined);
    for (const [i, name] of names.entries()) if (names.indexOf(name) !== i) out.add(`${pattern(path)}\u0000${name}`);
  }
  return out;
}

/** Duplicate names the patch brought in (a revert wrote a live item over an added one that moved it). */
function newDuplicateNames(live: JsonObject, incoming: JsonObject, patched: JsonObject): string[] {
  const before = new Set([...duplicateNames(live), ...duplicateNames(incoming)]);
  return [...duplicateNames(patched)].filter((d) => !before.has(d)).map((d) => d.replaceAll("\u0000", "."));
}

/**
 * Rules that match list items by value or by name, not by index (a finalizer or a gate the live
 * object lacks, a stored toleration missing anywhere, a CSINode driver of the same name): the path
 * they name is an index into the new list, so "back at the live value at that index" does not
 * apply; "nothing blocking left" and "no duplicate name" judge those lists.
 */
const SET_RULES = new Set(["meta.ObjectMeta.finalizers", "core.Pod.tolerations", "core.Pod.schedulingGates", "storage.k8s.io.CSINode.drivers"]);

/**
 * The properties of a /mutate answer to a Flux apply under the default policy (immutable conflicts
 * of Flux-owned objects are marked: reverted to the live values and annotated):
 * - kube-apiserver accepts the answer (acceptAnswer) and mutateRequest does not throw;
 * - allowed with a patch: nothing blocking is left; identity and resourceVersion are untouched;
 *   every path a blocking finding named is back at its live value (semantic equality, Secrets as
 *   stored; set rules aside, SET_RULES); no `{}` appears where neither the live nor the incoming
 *   object has one, outside map fields (kube-apiserver decodes `{}` into a non-nil pointer, which
 *   Semantic.DeepEqual tells from nil); no list gets a duplicate name; and a
 *   reinvocation with the patched object changes nothing more;
 * - allowed without a patch: nothing blocking, or the decision says why (an exemption);
 * - denied: only for the reasons the default policy denies a Flux-owned conflict.
 */
export function checkFluxApply(live: JsonObject, incoming: JsonObject, context: AdmissionContext, index = 0): FluxApplyResult {
  const result = runFluxApply(live, incoming, context, index);
  const { outcome, answer } = result;
  const blocking = findFindings(context.catalogue, { old: result.live, new: result.incoming }).filter((f) => f.severity === "blocking");
  const summary = `${outcome.decision.action}: ${outcome.decision.reason}; blocking ${JSON.stringify(blocking.map((f) => f.path))}; patch ${JSON.stringify(answer.patch)}`;
  if (!answer.allowed) {
    assert.ok(blocking.length > 0, `denied with nothing blocking (${summary})`);
    assert.ok(DENIAL_REASONS.some((r) => r.test(outcome.decision.reason)), `a Flux-owned conflict denied (${summary})`);
    return result;
  }
  const patched = answer.patchedObject;
  assert.ok(patched, "an allowed answer has an object");
  if (answer.patch.length === 0) {
    assert.ok(blocking.length === 0 || /exempt/.test(outcome.decision.reason), `allowed unchanged with blocking findings (${summary})`);
    return result;
  }
  assert.ok(outcome.decision.action === "mark" || outcome.decision.action === "restore", `patched by a ${outcome.decision.action} decision (${summary})`);
  assert.deepEqual(blockingPaths(context, result.live, patched), [], `blocking findings left after the patch (${summary})`);
  // Identity stays as sent, unless the request itself changed it (a uid from another cluster is an
  // immutable conflict like any other: reverted to the live value, checked below).
  for (const path of UNTOUCHABLE) {
    const named = blocking.some((f) => f.segments.length === path.length && f.segments.every((s, i) => s === path[i]));
    if (named) continue;
    assert.deepEqual(getAt(patched, path), getAt(result.incoming, path), `the patch changed ${formatFieldPath(path)} (${summary})`);
  }
  const stored = asStored(patched);
  for (const finding of blocking.filter((f) => !SET_RULES.has(f.ruleId))) {
    const left = compareObjects(getAt(result.live, finding.segments), getAt(stored, finding.segments), { ignore: [] });
    assert.deepEqual(left.map((c) => formatFieldPath([...finding.segments, ...c.path])), [], `${finding.path} not back at the live value (${summary})`);
  }
  assert.deepEqual(newEmptyStructs(result.live, result.incoming, patched), [], `the patch left {} where neither the live nor the incoming object has one (${summary})`);
  assert.deepEqual(newDuplicateNames(result.live, result.incoming, patched), [], `the patch left a duplicate name in a list (${summary})`);
  const again = runFluxApply(live, patched, context, index);
  const againSummary = `${again.outcome.decision.action}: ${again.outcome.decision.reason}; patch ${JSON.stringify(again.answer.patch)}`;
  assert.equal(again.answer.allowed, true, `reinvocation denied (${againSummary}; first ${summary})`);
  assert.deepEqual(again.answer.patch, [], `reinvocation patched again (${againSummary}; first ${summary})`);
  return result;
}
