/**
 * Why a reconciliation is not converging. The values are the `cause` field of diagnose's JSON
 * contract (version 1) and of `assessment` records; never rename one.
 */
export const CAUSES = [
  "immutable",
  "health-check",
  "dependency",
  "source",
  "build",
  "helm-install",
  "helm-upgrade",
  "helm-test",
  "helm-locked",
  "retries-exhausted",
  "timeout",
  "invalid",
  "conflict",
  "forbidden",
  "other",
] as const;

export type Cause = (typeof CAUSES)[number];
