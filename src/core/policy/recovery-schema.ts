import { z } from "zod";
import { CAUSES } from "../assess/cause.ts";

/**
 * What `watch` may do about one stuck reconciliation (docs/policy-recovery.md):
 * - `none`: report only (Events, records, metrics; no advice sent as a recommendation);
 * - `recommend`: report with the recommendation, and escalate after the window;
 * - `recover`: carry out the cause's own action (docs/recovery.md, "Actions per cause"), validate
 *   health after it, retry within the attempt limit, escalate when it fails.
 */
export const RECOVERY_ACTIONS = ["none", "recommend", "recover"] as const;
export type RecoveryRuleAction = (typeof RECOVERY_ACTIONS)[number];

/** The tools that own what a reconciler applies: Flux's kustomize-controller, helm-controller, Argo CD. */
export const RECOVERY_OWNERS = ["flux", "helm", "argocd"] as const;
export type RecoveryOwner = (typeof RECOVERY_OWNERS)[number];

const ruleSchema = z.strictObject({
  /** Causes it applies to (diagnose's `cause` values); absent: every cause. */
  causes: z.array(z.enum(CAUSES)).min(1).optional(),
  /** Kinds it applies to: the reconciler's kind or any kind the diagnosis names (`Deployment`, `HelmRelease`…); absent: every kind. */
  kinds: z.array(z.string().min(1)).min(1).optional(),
  /** Namespaces of the reconciler it applies to; absent: every namespace. */
  namespaces: z.array(z.string().min(1)).min(1).optional(),
  /** Owning tool (`flux` = Kustomization, `helm` = HelmRelease, `argocd` = Application); absent: every tool. */
  owners: z.array(z.enum(RECOVERY_OWNERS)).min(1).optional(),
  /** `none`, `recommend` or `recover`. */
  action: z.enum(RECOVERY_ACTIONS),
  /** Attempts for the objects this rule matches (overrides `recovery.maxAttempts`). */
  maxAttempts: z.number().int().min(1).max(10).optional(),
  /** Optional label shown in records and Events ("why this rule"). */
  name: z.string().min(1).max(63).optional(),
});

/**
 * Helm remediation default (docs/policy-recovery.md): when on, the mutating webhook adds
 * `spec.upgrade.remediation: {retries, strategy: rollback}` to a HelmRelease
 * (helm.toolkit.fluxcd.io/v2) created or updated without one, so helm-controller rolls a failed
 * upgrade back itself (watch-recovery.md §3.1). Off by default: it changes what users applied.
 */
export const HELM_REMEDIATION_DEFAULT_RETRIES = 3;

const helmRemediationDefaultSchema = z
  .strictObject({
    /** Default false: the webhook adds nothing a user did not write unless the policy asks for it. */
    enabled: z.boolean().default(false),
    /**
     * `upgrade.remediation.retries` written, in failed upgrades remediated before helm-controller
     * gives up (RetriesExhausted = failures > retries). Default 3, the same as `recovery.maxAttempts`
     * and Flux's documented example; 1–10: a negative value means infinite retries to
     * helm-controller, which would roll back and upgrade again forever.
     */
    retries: z.number().int().min(1).max(10).default(HELM_REMEDIATION_DEFAULT_RETRIES),
  })
  .prefault({});

export const recoverySchema = z
  .strictObject({
    /**
     * The global switch. `enforce`: act; `dry-run`: record and log what would be done, change
     * nothing; `off`: report only. Absent: `watch.recover` decides (true = enforce, false or
     * absent = off), so policies written before this section keep their meaning.
     */
    mode: z.enum(["enforce", "dry-run", "off"]).optional(),
    /** Namespaces (of the reconciler or of any object it names) where recovery is never automatic. */
    neverNamespaces: z.array(z.string().min(1)).default(["kube-system"]),
    /** Attempts per stuck episode before escalating. Default 3. */
    maxAttempts: z.number().int().min(1).max(10).default(3),
    /** Seconds between a failed attempt and the next one; multiplied by `backoffFactor` each time. Default 60. */
    backoffSeconds: z.number().int().min(0).max(3600).default(60),
    /** Growth of the backoff per attempt. Default 2 (60 s, 120 s, 240 s…). */
    backoffFactor: z.number().min(1).max(10).default(2),
    /** Longest backoff, in seconds. Default 900. */
    maxBackoffSeconds: z.number().int().min(0).max(86400).default(900),
    /**
     * Seconds an action has to show a healthy result (the owner Ready at the expected revision,
     * every touched object Current) before it counts as failed. Default 300 (helm-controller's
     * and kustomize-controller's default timeout, watch-recovery.md §1.2–1.3).
     */
    healthTimeoutSeconds: z.number().int().min(1).max(7200).default(300),
    /**
     * helm-controller ≥ v0.37 (Flux ≥ 2.2) unlocks stale pending-* releases itself on its next
     * reconcile (watch-recovery.md §3.4): a `requestedAt` is then enough. false: recommend only.
     */
    helmControllerUnlocks: z.boolean().default(true),
    /**
     * Argo CD ≥ 3.3 reads `argocd.argoproj.io/sync-options` from the live object too, so
     * `Replace=true,Force=true` can be set on it. Default false: older Argo CD reads only the
     * desired manifest, so recovery recommends.
     */
    argocdLiveSyncOptions: z.boolean().default(false),
    /** The webhook's default `upgrade.remediation` for HelmReleases without one (off by default). */
    helmRemediationDefault: helmRemediationDefaultSchema,
    /** Per cause, kind, namespace, owner: the first matching rule wins; then the defaults (docs/policy-recovery.md). */
    rules: z.array(ruleSchema).max(256).default([]),
  })
  .prefault({});

export type RecoveryPolicyInput = z.infer<typeof recoverySchema>;
export type RecoveryRule = z.infer<typeof ruleSchema>;
export type HelmRemediationDefault = z.infer<typeof helmRemediationDefaultSchema>;
