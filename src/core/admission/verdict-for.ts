import type { Operation as PatchOperation } from "fast-json-patch";
import type { Decision } from "../decide/decision.ts";
import { allowed, denied, patched, type Verdict } from "./admission-response.ts";

/** Audit annotations: kube-apiserver stores them as `<webhook name>/<key>` in its audit log. */
function auditAnnotationsFor(decision: Decision): Record<string, string> {
  if (decision.findings.length === 0 && decision.mode === "enforce") return {};
  const out: Record<string, string> = { action: decision.enforcedAction };
  const rules = [...new Set(decision.findings.map((f) => f.ruleId))];
  if (rules.length > 0) out["rules"] = rules.slice(0, 10).join(",");
  if (decision.mode !== "enforce") out["mode"] = decision.mode;
  return out;
}

/** The verdict a decision (and the patch computed for it) turns into. */
export function verdictFor(decision: Decision, patch: readonly PatchOperation[]): Verdict {
  const audit = auditAnnotationsFor(decision);
  switch (decision.kind) {
    case "deny":
    case "recreate":
      return denied(decision.denial.code, decision.denial.message, decision.warnings, audit);
    case "allow":
    case "warn":
    case "restore":
    case "mark":
      // allow and warn carry a patch only when a stale mark goes with them (mutate-request.ts).
      return patch.length > 0 ? patched(patch, decision.warnings, audit) : allowed(decision.warnings, audit);
  }
}
