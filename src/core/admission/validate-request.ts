import { findFindings } from "../rules/find-findings.ts";
import { decide, skipDecision } from "../decide/decide.ts";
import { decideDeletion } from "../decide/decide-deletion.ts";
import { allow, deny, type Decision } from "../decide/decision.ts";
import { detectOwner } from "../owner/detect-owner.ts";
import { fieldManagerOf, type AdmissionRequest } from "./admission-review.ts";
import { subjectOf, type AdmissionContext, type AdmissionOutcome } from "./mutate-request.ts";
import { verdictFor } from "./verdict-for.ts";

/** Classes the validating webhook judges: what the API server allows but policy or experience flags. */
const VALIDATE_CLASSES = new Set(["risky", "declared"]);

/**
 * A validating webhook may not patch: a `mark` (or `restore`) the mutating webhook would have done
 * becomes a plain denial here (the object reached validation unchanged, so the mutation did not run).
 */
function withoutPatching(decision: Decision): Decision {
  switch (decision.kind) {
    case "allow":
    case "warn":
    case "recreate":
    case "deny":
      return decision;
    case "restore":
      return allow(decision.findings, decision.reason, { warnings: decision.warnings, enforcedAction: "restore" });
    case "mark": {
      const paths = decision.revert.map((f) => f.path).join(", ");
      const message = `field is immutable by policy: ${paths} (the mutating webhook did not revert it) [gitops-guard]`;
      return deny(decision.findings, { code: 422, message }, decision.reason, { warnings: decision.warnings, strategy: decision.strategy });
    }
  }
}

/** /validate: risky and declared rules on UPDATE, deletion protection on DELETE. Never patches. */
export function validateRequest(request: AdmissionRequest, context: AdmissionContext): AdmissionOutcome {
  const object = request.object ?? undefined;
  const live = request.oldObject ?? undefined;
  const owner = detectOwner([object, live], fieldManagerOf(request));
  const subject = subjectOf(request, owner, context.policy);
  const base = { policy: context.policy, subject, guardNamespace: context.guardNamespace };
  let decision: Decision;
  if (request.subResource) {
    decision = skipDecision(`subresource ${request.subResource} is not a main-resource change`, context.policy.mode);
  } else if (request.operation === "DELETE") {
    decision = decideDeletion({ ...base, live });
  } else if (request.operation === "UPDATE" && object && live) {
    const findings = findFindings(context.catalogue, { old: live, new: object, ...(context.cluster ? { cluster: context.cluster } : {}) })
      .filter((f) => VALIDATE_CLASSES.has(f.class));
    decision = withoutPatching(decide({ ...base, findings, live }));
  } else {
    decision = skipDecision(`${request.operation} has nothing to validate`, context.policy.mode);
  }
  return { verdict: verdictFor(decision, []), decision, owner, patch: [] };
}
