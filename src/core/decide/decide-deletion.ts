import type { JsonObject } from "../k8s/json.ts";
import { describeObject, metaValue } from "../k8s/kube-object.ts";
import type { Policy } from "../policy/policy-schema.ts";
import { exemptionReason, kindRefMatches, type MatchSubject } from "../policy/match-policy.ts";
import { isDataBearing } from "../rules/find-findings.ts";
import { allow, audited, deny, warn, type Decision } from "./decision.ts";
import { shortWarning } from "./denial-message.ts";
import { effectiveMode } from "../policy/rollout-mode.ts";

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
  if (policy.mode === "off") return allow([], "policy mode is off", { mode: "off" });
  const exempt = exemptionReason(policy, subject, input.guardNamespace);
  if (exempt !== undefined) return allow([], exempt, { mode: policy.mode });
  const enforceOrAudit = (enforced: Decision): Decision => (effectiveMode(policy, subject).mode === "audit" ? audited(enforced) : enforced);
  const { annotation, kinds } = policy.deletionProtection;
  const flag = metaValue(live, "annotations", annotation);
  const byKind = kinds.some((ref) => kindRefMatches(ref, subject.group, subject.kind));
  const isProtected = flag === "true" || (byKind && flag !== "false");
  const object = describeObject(subject.kind, subject.namespace, subject.name);
  if (isProtected) {
    const message = `${object} is protected from deletion by gitops-guard (${byKind ? `kind ${subject.kind} is protected` : `${annotation}: "true"`}); to delete it on purpose, annotate it ${annotation}: "false" first [gitops-guard]`;
    return enforceOrAudit(deny([], { code: 403, message }, "deletion protected"));
  }
  if (isDataBearing(subject.group, subject.kind)) {
    return enforceOrAudit(warn([], [shortWarning(`deleting ${object} deletes its data`)], "data-bearing deletion"));
  }
  return allow([], "deletion allowed", { mode: policy.mode });
}
