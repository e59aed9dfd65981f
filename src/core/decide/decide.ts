import type { JsonObject } from "../k8s/json.ts";
import { getAt } from "../k8s/field-path.ts";
import { metaValue } from "../k8s/kube-object.ts";
import { canonicalJson, fnv1a64 } from "../hash/fnv1a.ts";
import type { Finding } from "../findings/finding.ts";
import { isDataBearing } from "../rules/find-findings.ts";
import type { ConflictAction, Policy, ReplaceStrategy } from "../policy/policy-schema.ts";
import { exemptionReason, findOverride, type MatchSubject } from "../policy/match-policy.ts";
import { allow, audited, deny, mark, recreate, restore, warn, type Decision, type Defaulting, type Mark, type Mode } from "./decision.ts";
import { formatFieldPath } from "../k8s/field-path.ts";
import { dataBearingDenial, immutableDenial, recreateDenial, shortWarning, type MessageSubject } from "./denial-message.ts";
import { MARK_ANNOTATIONS } from "./mark-annotations.ts";
import { effectiveMode } from "../policy/rollout-mode.ts";
import { isSecretValue } from "../findings/display-value.ts";

/** Everything decide needs besides the findings. */
export interface DecideInput {
  readonly findings: readonly Finding[];
  readonly policy: Policy;
  readonly subject: MatchSubject & { readonly name: string };
  /** The live object (AdmissionRequest.oldObject), when there is one. */
  readonly live?: JsonObject;
  /** The namespace gitops-guard runs in (always exempt). */
  readonly guardNamespace: string;
  /**
   * Values to add where the object has none (helm-remediation-default.ts), applied with any
   * restore when no conflict is marked: a marked request is answered again after the owner's
   * next apply, which is defaulted then.
   */
  readonly defaulting?: Defaulting | undefined;
}

/** What a Secret value stands as in a digest: whether it is there, never what it is. */
const SECRET_PRESENT = "(secret value)";

/**
 * Digest of the desired values of the conflicting paths: equal digests = the same change. A
 * Secret's values are left out (only whether each path is set counts): the digest is written into
 * an annotation anyone who can read the object sees, and an unkeyed 64-bit hash of a low-entropy
 * value (a short password, a PIN) is guessable offline. "The same change" for a Secret is then
 * the same paths changed, which is all the two-phase mark needs: the recreate takes its values
 * from Git either way.
 */
export function changeDigest(findings: readonly Finding[], object: { readonly group: string; readonly kind: string } = { group: "", kind: "" }): string {
  const desired = (f: Finding): unknown => (f.to === undefined ? null : isSecretValue(object.group, object.kind, f.segments) ? SECRET_PRESENT : f.to);
  const pairs = findings.map((f) => [f.path, desired(f)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return fnv1a64(canonicalJson(pairs));
}

/** An allow with no findings considered: CONNECT, subresources, exempt requests. */
export function skipDecision(reason: string, mode: Mode): Decision {
  return allow([], reason, { mode });
}

function riskyWarnings(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.class === "risky").map((f) => shortWarning(`${f.path}: ${f.message}`));
}

/** A StatefulSet that deletes its claims when it is deleted holds data like a PVC does. */
function deletesClaims(live: JsonObject | undefined): boolean {
  return getAt(live, ["spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted"]) === "Delete";
}

function conflictAction(input: DecideInput): { action: ConflictAction; strategy: ReplaceStrategy; dataOk: boolean } {
  const { policy, subject } = input;
  const override = findOverride(policy, subject);
  if (override) return { action: override.action, strategy: override.strategy, dataOk: override.acceptDataLoss };
  const owned = policy.defaults.markOwners.includes(subject.owner);
  return { action: owned ? policy.defaults.owned : policy.defaults.unowned, strategy: policy.defaults.strategy, dataOk: false };
}

function toolMarker(owner: MatchSubject["owner"], strategy: ReplaceStrategy): Mark["toolMarker"] {
  if (strategy !== "recreate") return undefined;
  return owner === "flux" || owner === "argocd" ? owner : undefined;
}

/** The answer for immutable/declared conflicts (and the server-assigned restores riding along). */
function decideConflict(input: DecideInput, conflicts: readonly Finding[], restores: readonly Finding[]): Decision {
  const { subject, live } = input;
  const messageSubject: MessageSubject = subject;
  const { findings } = input;
  const { action, strategy, dataOk } = conflictAction(input);
  const dataBearing = isDataBearing(subject.group, subject.kind) || (subject.kind === "StatefulSet" && deletesClaims(live));
  if (action === "allow") return allow(findings, "policy allows conflicts");
  if (action === "warn") {
    const warnings = conflicts.map((f) => shortWarning(`${f.path} cannot change in place: the apply will fail`));
    return warn(findings, warnings, "policy warns on conflicts");
  }
  if (action === "deny" || (dataBearing && !dataOk)) {
    const data = dataBearing && !dataOk;
    const message = data ? dataBearingDenial(messageSubject, conflicts) : immutableDenial(messageSubject, conflicts);
    const reason = data ? "data-bearing object: never recreated automatically" : "immutable conflict denied by policy";
    return deny(findings, { code: data ? 403 : 422, message }, reason);
  }
  const digest = changeDigest(conflicts, subject);
  const marked = metaValue(live, "annotations", MARK_ANNOTATIONS.replace) === "recreate" && metaValue(live, "annotations", MARK_ANNOTATIONS.digest) === digest;
  if (marked && strategy === "recreate") return recreate(findings, recreateDenial(messageSubject, conflicts), "marked object: same change again, recreate");
  const marking: Mark = { strategy, digest, toolMarker: toolMarker(subject.owner, strategy) };
  const warnings = [
    shortWarning(`gitops-guard kept ${conflicts.map((f) => f.path).join(", ")} at the live value; marked for ${strategy}`),
  ];
  return mark(findings, [...conflicts, ...restores], marking, warnings, `immutable conflict marked for ${strategy}`);
}

function enforce(input: DecideInput): Decision {
  const { findings, policy } = input;
  const conflicts = findings.filter((f) => (f.class === "immutable" || f.class === "declared") && f.severity === "blocking");
  // Only values whose absence the API server would refuse are patched back (Job generated selector,
  // PVC volumeName…). Those kube-apiserver re-fills itself (Service clusterIP, nodePorts:
  // patchAllocatedValues, severity info) are recorded but not patched: patch only what is needed.
  const restores = policy.restore ? findings.filter((f) => f.class === "server-assigned" && f.severity !== "info") : [];
  // A selector a running replacement holds (held-selector.ts) is kept whatever policy.restore says:
  // letting it through would send traffic to pods the replacement is about to delete.
  const held = findings.filter((f) => f.class === "held");
  if (conflicts.length > 0) return decideConflict(input, conflicts, [...restores, ...held]);
  const warnings = riskyWarnings(findings);
  const defaults = input.defaulting?.fields ?? [];
  if (restores.length > 0 || held.length > 0 || defaults.length > 0) {
    const reasons: string[] = [];
    if (held.length > 0) reasons.push(`selector ${held.map((f) => `${f.path} ${f.message}`).join("; ")}`);
    if (restores.length > 0) {
      warnings.unshift(shortWarning(`gitops-guard restored server-assigned ${restores.map((f) => f.path).join(", ")}`));
      reasons.push("server-assigned values restored");
    }
    warnings.unshift(...held.map((f) => shortWarning(`gitops-guard kept ${f.path} ${f.message}`)));
    if (input.defaulting && defaults.length > 0) {
      warnings.push(shortWarning(`gitops-guard defaulted ${defaults.map((d) => formatFieldPath(d.path)).join(", ")} (policy recovery.helmRemediationDefault)`));
      reasons.push(input.defaulting.reason);
    }
    return restore(findings, [...restores, ...held], warnings, reasons.join("; "), defaults);
  }
  if (warnings.length > 0) {
    return warn(findings, warnings, "risky change");
  }
  return allow(findings, findings.length === 0 ? "no findings" : "nothing to act on");
}

/**
 * The owning tool applied the object again without the conflict (Git was reverted, or the object
 * was replaced) and kept gitops-guard's marks: they are stale and the patch removes them.
 */
export function staleMarkDecision(decision: Decision): Decision {
  switch (decision.kind) {
    case "allow":
    case "warn":
    case "restore": {
      // An audited or off allow changes nothing, marks included.
      if (decision.mode !== "enforce") return decision;
      const warnings = [...decision.warnings, shortWarning("gitops-guard removed its replace mark: the conflict is gone")];
      const kept = decision.kind === "restore" ? decision : undefined;
      const reason = kept ? `${kept.reason}; stale replace mark removed: the conflict is gone` : "stale replace mark removed: the conflict is gone";
      return restore(decision.findings, kept?.revert ?? [], warnings, reason, kept?.defaults ?? []);
    }
    case "mark":
    case "recreate":
    case "deny":
      // A new mark replaces the old one; a denial changes nothing.
      return decision;
  }
}

/**
 * decide(findings, policy, context) → one action per request. Pure and idempotent: the same
 * request (a retry, a reinvocation, its dry-run) gets the same decision.
 */
export function decide(input: DecideInput): Decision {
  const { policy } = input;
  if (policy.mode === "off") return allow(input.findings, "policy mode is off", { mode: "off" });
  const exempt = exemptionReason(policy, input.subject, input.guardNamespace);
  if (exempt !== undefined) return allow(input.findings, exempt, { mode: policy.mode });
  const enforced = enforce(input);
  const { mode, rollout } = effectiveMode(policy, input.subject);
  if (mode === "enforce") return enforced;
  const audit = audited(enforced);
  return rollout === undefined ? audit : { ...audit, reason: `${rollout}: ${audit.reason}` };
}
