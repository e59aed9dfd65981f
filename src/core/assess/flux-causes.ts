import type { Cause } from "./cause.ts";

/**
 * Flux condition reasons and what they mean (fluxcd/pkg apis/meta/conditions.go; helm-controller
 * api/v2/condition_types.go and internal/reconcile; watch-recovery.md §1.2–1.3). Reasons that
 * only wrap an apply error (`ReconciliationFailed`, `ProgressingWithRetry`) are absent: the
 * message decides for them.
 */
export const REASON_CAUSES: ReadonlyMap<string, Cause> = new Map<string, Cause>([
  ["ArtifactFailed", "source"],
  ["SourceNotReady", "source"],
  ["DependencyNotReady", "dependency"],
  ["BuildFailed", "build"],
  ["HealthCheckFailed", "health-check"],
  ["HealthCheckCanceled", "health-check"],
  ["AccessDenied", "forbidden"],
  ["InvalidCELExpression", "invalid"],
  ["FeatureGateDisabled", "invalid"],
  ["ValuesError", "invalid"],
  ["ChartMutateError", "invalid"],
  ["InstallFailed", "helm-install"],
  ["UpgradeFailed", "helm-upgrade"],
  ["TestFailed", "helm-test"],
  ["RollbackSucceeded", "helm-upgrade"],
  ["RollbackFailed", "helm-upgrade"],
  ["UninstallSucceeded", "helm-install"],
  ["UninstallFailed", "helm-install"],
  ["PendingRelease", "helm-locked"],
  ["RetriesExceeded", "retries-exhausted"],
  ["MissingRollbackTarget", "retries-exhausted"],
  ["PruneFailed", "other"],
  ["StateError", "other"],
]);

/** Causes a message proves better than any reason: what actually failed inside the wrapper. */
export const MESSAGE_WINS: ReadonlySet<Cause> = new Set<Cause>(["immutable", "helm-locked"]);

/** What an in-progress message says the controller is waiting on (Reconciling=True messages). */
export function progressCause(message: string): Cause {
  if (/health check/i.test(message)) return "health-check";
  if (/Running 'install'/i.test(message)) return "helm-install";
  if (/Running 'upgrade'/i.test(message)) return "helm-upgrade";
  if (/Running 'test'/i.test(message)) return "helm-test";
  if (/Fetching manifests|artifact/i.test(message)) return "source";
  return "timeout";
}
