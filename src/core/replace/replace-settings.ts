/** The `replace` section of the policy (docs/policy.md), as the engine reads it. */
export interface ReplaceSettings {
  /** Seconds the new object has to appear and become healthy before the replacement is rolled back. */
  readonly timeoutSeconds: number;
  /** Seconds the old pods keep running after the selector switch (kube-proxy propagation). */
  readonly drainSeconds: number;
  /** A Job still running: `leave` it (refuse), or `replace` it anyway. */
  readonly runningJobs: "leave" | "replace";
}

/**
 * Defaults. 600 s: Flux's own health-check timeout defaults to the Kustomization interval minus
 * 30 s, commonly 10 min (watch-recovery.md §1.2), and kstatus has no progress signal better than
 * a deadline. 30 s: Argo Rollouts' scaleDownDelaySeconds default, "to give nodes enough time" to
 * update their iptables after a selector switch (watch-recovery.md §7.1).
 */
export const DEFAULT_REPLACE_SETTINGS: ReplaceSettings = { timeoutSeconds: 600, drainSeconds: 30, runningJobs: "leave" };
