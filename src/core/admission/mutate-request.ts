import { patchBetween } from "./patch-between.ts";
import type { Operation as PatchOperation } from "fast-json-patch";
import { isJsonObject, ownValue, setOwn, type JsonObject } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";
import { draftOf } from "../k8s/own-path.ts";
import { metaMap, metaString } from "../k8s/kube-object.ts";
import type { Finding } from "../findings/finding.ts";
import type { Catalogue } from "../rules/catalogue.ts";
import { findFindings, type FindInput } from "../rules/find-findings.ts";
import type { ClusterFacts } from "../rules/rule.ts";
import type { Policy } from "../policy/policy-schema.ts";
import { decide, skipDecision, staleMarkDecision } from "../decide/decide.ts";
import { defaultsOf, denialOf, revertOf, type Decision, type Defaulting, type FieldDefault } from "../decide/decision.ts";
import { helmRemediationDefault } from "../decide/helm-remediation-default.ts";
import { applyingTool, detectOwner, type OwningTool } from "../owner/detect-owner.ts";
import { fieldManagerOf, type AdmissionRequest } from "./admission-review.ts";
import { hasMark, markDigest, markObject, unmarkObject } from "./mark-object.ts";
import { revertPaths } from "./revert-paths.ts";
import { heldSelector } from "../decide/held-selector.ts";
import { verdictFor } from "./verdict-for.ts";
import type { Verdict } from "./admission-response.ts";

/** What deciding one admission request needs. Built by the caller; the policy may change per request. */
export interface AdmissionContext {
  readonly catalogue: Catalogue;
  readonly policy: Policy;
  /** gitops-guard's own namespace: always exempt. */
  readonly guardNamespace: string;
  readonly cluster?: ClusterFacts;
}

/** The result of judging one request: the answer and the decision behind it (for records and metrics). */
export interface AdmissionOutcome {
  readonly verdict: Verdict;
  readonly decision: Decision;
  readonly owner: OwningTool;
  readonly patch: readonly PatchOperation[];
}

/** Classes the mutating webhook acts on: what the API server refuses (it never reaches validation). */
const MUTATE_CLASSES = new Set(["immutable", "server-assigned", "declared"]);

const NO_LABELS: ReadonlyMap<string, string> = new Map();

/** Reverting one path can expose another (a reverted selector no longer matches new template labels). */
const MAX_REVERT_ROUNDS = 3;

/** True when some override or the rollout selector matches on labels: only then are a subject's labels read. */
export function matchesOnLabels(policy: Policy): boolean {
  return policy.rollout.enforceOnly?.selector !== undefined || policy.overrides.some((override) => Object.keys(override.match.labels).length > 0);
}

/**
 * The facts policy matching reads. The labels (live merged with new) are copied only when the
 * policy matches on labels: most policies do not, and the copy is two objects per request.
 */
export function subjectOf(request: AdmissionRequest, owner: OwningTool, policy: Policy): Parameters<typeof decide>[0]["subject"] {
  const object = request.object ?? request.oldObject ?? undefined;
  const name = request.name ?? (object ? metaString(object, "name") ?? "" : "");
  return {
    group: request.kind.group,
    kind: request.kind.kind,
    namespace: request.namespace ?? "",
    name,
    labels: matchesOnLabels(policy) ? new Map([...metaMap(request.oldObject ?? undefined, "labels"), ...metaMap(request.object ?? undefined, "labels")]) : NO_LABELS,
    owner,
    ...(request.userInfo.username !== undefined ? { username: request.userInfo.username } : {}),
    groups: request.userInfo.groups ?? [],
  };
}

/**
 * Why a request is not a change the mutating webhook judges, or undefined. Subresources are not
 * judged unless the catalogue has rules for them (`pods/resize`).
 */
export function skipReason(request: AdmissionRequest, catalogue?: Catalogue): string | undefined {
  if (request.subResource && !catalogue?.judgesSubresource(request.kind.group, request.kind.kind, request.subResource)) {
    return `subresource ${request.subResource} is not a main-resource change`;
  }
  if (request.operation === "CONNECT") return "CONNECT is always allowed";
  if (request.operation === "DELETE") return "DELETE cannot be patched; judged by /validate";
  if (request.operation === "CREATE" || !request.oldObject || !request.object) return "no live object to compare";
  return undefined;
}

/**
 * What to put back for a finding. A conflict inside a list is reverted as the whole list: the API
 * server often matches list items by value or name, not position (tolerations may only be added,
 * scheduling gates only removed, CSINode drivers are matched by name), so writing the live item
 * at the finding's index into a list that shifted duplicates or drops items it still refuses.
 * The object is marked for replacement anyway, so nothing of the manifest's list is lost: it is
 * applied again on recreation. A server-assigned value (a restore) stays at its own path, so a
 * restore never undoes the manifest's other changes in that list.
 */
function revertTarget(finding: Finding): readonly PathSegment[] {
  if (finding.class === "server-assigned" || finding.class === "held") return finding.segments;
  const index = finding.segments.findIndex((segment) => typeof segment === "number");
  return index < 0 ? finding.segments : finding.segments.slice(0, index);
}

/** What find judges for this request: the pair, the cluster facts, and the subresource written. */
function findInput(request: AdmissionRequest, context: AdmissionContext, live: JsonObject, object: JsonObject): FindInput {
  return {
    old: live,
    new: object,
    ...(context.cluster ? { cluster: context.cluster } : {}),
    ...(request.subResource ? { subresource: request.subResource } : {}),
  };
}

function blockingOrRestorable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => MUTATE_CLASSES.has(f.class) && (f.severity === "blocking" || f.class === "server-assigned"));
}

/**
 * Writes a default into the draft: missing objects along the path are created, an existing value
 * is never replaced (the decision was taken on the same object, so this only guards the invariant).
 */
function addDefault(draft: JsonObject, own: (path: readonly PathSegment[]) => void, field: FieldDefault): void {
  const parents = field.path.slice(0, -1);
  const last = field.path.at(-1);
  if (typeof last !== "string") return;
  own(parents);
  let parent: JsonObject = draft;
  for (const segment of parents) {
    if (typeof segment !== "string") return;
    const child = ownValue(parent, segment);
    if (child === undefined) {
      const created: JsonObject = {};
      setOwn(parent, segment, created);
      parent = created;
    } else if (isJsonObject(child)) {
      parent = child;
    } else {
      return;
    }
  }
  if (!Object.hasOwn(parent, last)) setOwn(parent, last, field.value);
}

/** Applies a restore/mark decision to a copy-on-write draft of the incoming object; returns the draft. */
function rewrite(context: AdmissionContext, request: AdmissionRequest, decision: Decision, stale: boolean): JsonObject {
  const object = request.object ?? {};
  const live = request.oldObject ?? {};
  const { draft, own } = draftOf(object);
  let pending: readonly Finding[] = revertOf(decision);
  for (let round = 0; round < MAX_REVERT_ROUNDS && pending.length > 0; round++) {
    const paths = pending.map(revertTarget);
    for (const path of paths) own(path);
    revertPaths(draft, live, paths);
    pending = blockingOrRestorable(findFindings(context.catalogue, findInput(request, context, live, draft)));
  }
  for (const field of defaultsOf(decision)) addDefault(draft, own, field);
  own(["metadata", "annotations"]);
  if (decision.kind === "mark") {
    const conflicts = decision.findings.filter((f) => f.class === "immutable" || f.class === "declared");
    markObject(draft, decision.mark, conflicts, { group: request.kind.group, kind: request.kind.kind });
  } else if (stale) {
    unmarkObject(draft);
  }
  return draft;
}

/**
 * A stale mark: the live object was marked, the owning tool applied it again without the conflict,
 * and kept the live object's mark as it was (client-side apply and server-side apply keep
 * annotations they do not own). Any other update (a `kubectl rollout restart`, a controller)
 * leaves the mark alone, and so does a reinvocation right after marking: the live object has no
 * mark yet, or a different one (a new conflict marked over an older mark carries a new digest),
 * so the same change never gets two different answers.
 */
function isStaleMark(request: AdmissionRequest, decision: Decision, owner: OwningTool): boolean {
  const { object, oldObject } = request;
  if (denialOf(decision) || decision.mode !== "enforce" || !object || !oldObject) return false;
  return hasMark(oldObject) && hasMark(object) && markDigest(object) === markDigest(oldObject) && applyingTool(fieldManagerOf(request)) === owner;
}

/**
 * /mutate: compare → find → decide → answer. The patch is the diff between the raw incoming object
 * and a modified clone (never hand-written), so it applies cleanly to exactly what arrived.
 */
export function mutateRequest(request: AdmissionRequest, context: AdmissionContext): AdmissionOutcome {
  const object = request.object ?? undefined;
  const live = request.oldObject ?? undefined;
  const owner = detectOwner([object, live], fieldManagerOf(request));
  const skip = skipReason(request, context.catalogue);
  const defaulting = defaultingFor(request, context);
  if (defaulting && request.operation === "CREATE") return defaultOnCreate(request, context, owner, defaulting);
  if (skip !== undefined || !object || !live) {
    const decision = skipDecision(skip ?? "no live object to compare", context.policy.mode);
    return { verdict: verdictFor(decision, []), decision, owner, patch: [] };
  }
  const findings = mutateFindings(request, context, live, object);
  const subject = subjectOf(request, owner, context.policy);
  const decided = decide({ findings, policy: context.policy, subject, live, guardNamespace: context.guardNamespace, defaulting });
  const rewrites = revertOf(decided).length > 0 || defaultsOf(decided).length > 0 || decided.kind === "mark";
  // A stale mark goes whenever no new mark is set, restore or not: a restore that kept it would be
  // answered differently on reinvocation (the patched object has nothing left to restore).
  const stale = decided.kind !== "mark" && isStaleMark(request, decided, owner);
  const decision = stale && !rewrites ? staleMarkDecision(decided) : decided;
  const patch = rewrites || stale ? patchBetween(object, rewrite(context, request, decision, stale)) : [];
  return { verdict: verdictFor(decision, patch), decision, owner, patch };
}

/** The catalogue's findings /mutate acts on, and a selector a running replacement holds (held-selector.ts). */
function mutateFindings(request: AdmissionRequest, context: AdmissionContext, live: JsonObject, object: JsonObject): Finding[] {
  const found = findFindings(context.catalogue, findInput(request, context, live, object)).filter((f) => MUTATE_CLASSES.has(f.class));
  const held = request.subResource ? undefined : heldSelector({ group: request.kind.group, kind: request.kind.kind, live, object });
  return held === undefined ? found : [...found, held];
}

/** A CREATE has nothing to compare, only a default to add (decided like any request: mode, exemptions, rollout). */
function defaultOnCreate(request: AdmissionRequest, context: AdmissionContext, owner: OwningTool, defaulting: Defaulting): AdmissionOutcome {
  const object = request.object ?? {};
  const subject = subjectOf(request, owner, context.policy);
  const decision = decide({ findings: [], policy: context.policy, subject, guardNamespace: context.guardNamespace, defaulting });
  const patch = defaultsOf(decision).length > 0 ? patchBetween(object, rewrite(context, request, decision, false)) : [];
  return { verdict: verdictFor(decision, patch), decision, owner, patch };
}

/**
 * The defaults the policy asks for on this request's object (recovery.helmRemediationDefault), if
 * any: CREATE and UPDATE of the main resource only (a subresource write cannot change spec).
 */
function defaultingFor(request: AdmissionRequest, context: AdmissionContext): Defaulting | undefined {
  if ((request.operation !== "CREATE" && request.operation !== "UPDATE") || request.subResource || !request.object) return undefined;
  const { group, version, kind } = request.kind;
  return helmRemediationDefault({ group, version, kind, object: request.object ?? undefined }, context.policy.recovery.helmRemediationDefault);
}
