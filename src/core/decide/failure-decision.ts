import type { Decision } from "./decision.ts";

/**
 * The answer when deciding itself failed (a bug, or no policy loaded yet). Default `open`: allow,
 * with a warning saying so — a safety tool must not lock the cluster (webhook good practice; the
 * manifests also set failurePolicy: Ignore). `closed` denies with 500, for clusters that prefer it.
 */
export function failureDecision(failureMode: "open" | "closed", mode: Decision["mode"], code: string): Decision {
  const base = { mode, findings: [], revert: [], reason: `internal error ${code}: failed ${failureMode}` };
  if (failureMode === "closed" && mode === "enforce") {
    const message = `gitops-guard could not decide (${code}) and fails closed; see its logs [gitops-guard]`;
    return { ...base, action: "deny", enforcedAction: "deny", denial: { code: 500, message }, warnings: [] };
  }
  return { ...base, action: "allow", enforcedAction: "allow", warnings: [`gitops-guard failed open (${code}): request not checked`] };
}
