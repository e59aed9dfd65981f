import { allow, deny, type Decision, type Mode } from "./decision.ts";

/**
 * The answer when deciding itself failed (a bug, or no policy loaded yet). Default `open`: allow,
 * with a warning saying so — a safety tool must not lock the cluster (webhook good practice; the
 * manifests also set failurePolicy: Ignore). `closed` denies with 500, for clusters that prefer it.
 */
export function failureDecision(failureMode: "open" | "closed", mode: Mode, code: string): Decision {
  const reason = `internal error ${code}: failed ${failureMode}`;
  if (failureMode === "closed" && mode === "enforce") {
    return deny([], { code: 500, message: `gitops-guard could not decide (${code}) and fails closed; see its logs [gitops-guard]` }, reason);
  }
  return allow([], reason, { mode, warnings: [`gitops-guard failed open (${code}): request not checked`] });
}
