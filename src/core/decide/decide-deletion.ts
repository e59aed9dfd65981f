import type { JsonObject } from "../k8s/json.ts";
import { describeObject, metaValue } from "../k8s/kube-object.ts";
import type { Policy } from "../policy/policy-schema.ts";
import { exemptionReason, kindRefMatches, type MatchSubject } from "../policy/match-policy.ts";
import { isDataBearing } from "../rules/find-findings.ts";
import type { Decision } from "./decision.ts";
import { shortWarning } from "./denial-message.ts";

/**
 * Deletion protection (validating webhook): DELETE of a protected object is denied with 403.
 * Protected = the kind is listed in `deletionProtection.kinds` (unless the object opts out with the
 * annotation set to "false"), or the object carries the annotation set to "true".
 * Deleting an unprotected data-bearing object is allowed with a warning.
 */
export function decideDeletion(input: {
  readonly policy: Policy;
  readonly subject: MatchSubject & { readonly name: string };
  readonly live: JsonObject | undefined;
  readonly guardNamespace: string;
}): Decision {
  const { policy, subject, live } = input;
  const base = { findings: [], revert: [], warnings: [] as string[] };
  if (policy.mode === "off") return { ...base, action: "allow", enforcedAction: "allow", mode: "off", reason: "policy mode is off" };
  const exempt = exemptionReason(policy, subject, input.guardNamespace);
  if (exempt !== undefined) return { ...base, action: "allow", enforcedAction: "allow", mode: policy.mode, reason: exempt };
  const { annotation, kinds } = policy.deletionProtection;
  const flag = metaValue(live, "annotations", annotation);
  const byKind = kinds.some((ref) => kindRefMatches(ref, subject.group, subject.kind));
  const isProtected = flag === "true" || (byKind && flag !== "false");
  const object = describeObject(subject.kind, subject.namespace, subject.name);
  if (isProtected) {
    const message = `${object} is protected from deletion by gitops-guard (${byKind ? `kind ${subject.kind} is protected` : `${annotation}: "true"`}); to delete it on purpose, annotate it ${annotation}: "false" first [gitops-guard]`;
    if (policy.mode === "audit") {
      return { ...base, action: "allow", enforcedAction: "deny", mode: "audit", reason: "audit: deletion protected" };
    }
    return { ...base, action: "deny", enforcedAction: "deny", mode: "enforce", denial: { code: 403, message }, reason: "deletion protected" };
  }
  if (isDataBearing(subject.group, subject.kind)) {
    if (policy.mode === "audit") return { ...base, action: "allow", enforcedAction: "warn", mode: "audit", reason: "audit: data-bearing deletion" };
    const warnings = [shortWarning(`deleting ${object} deletes its data`)];
    return { ...base, warnings, action: "warn", enforcedAction: "warn", mode: "enforce", reason: "data-bearing deletion" };
  }
  return { ...base, action: "allow", enforcedAction: "allow", mode: policy.mode, reason: "deletion allowed" };
}
