import type { InstallOptions } from "./install-options.ts";
import { meta, POLICY_CONFIGMAP, type InstallResource } from "./install-resource.ts";
import { EXEMPT_LABEL } from "./webhook-configurations.ts";

/**
 * The policy the install starts with; `mode` (and the recovery mode that follows it) is what the
 * flags change. Recovery starts as it says for the webhook: audit → `dry-run` (watch records and
 * announces what it would do, RecoveryPlanned Events, and changes nothing), enforce → `enforce`.
 */
export function initialPolicyText(mode: InstallOptions["mode"]): string {
  const why = mode === "audit"
    ? "# Start in audit mode: records show what enforce would do; switch to enforce when they look right\n# (or enforce a subset first with `rollout`: docs/policy-rollout.md)."
    : "# Enforce: conflicts are marked or denied. Roll policy changes out with `rollout` and `policy diff`\n# (docs/policy-rollout.md).";
  return [
    "apiVersion: gitops-guard.io/v1alpha1",
    "kind: Policy",
    why,
    `mode: ${mode}`,
    "failureMode: open",
    "restore: true",
    "exemptions:",
    "  kinds: [Lease.coordination.k8s.io]",
    "defaults:",
    "  owned: mark",
    "  markOwners: [flux]",
    "  unowned: deny",
    "  strategy: recreate",
    "deletionProtection:",
    "  kinds: [PersistentVolumeClaim]",
    mode === "audit"
      ? "# watch: record and announce what automated recovery would do (RecoveryPlanned Events), change nothing;\n# enforce when they look right (docs/recovery.md)."
      : "# watch: recover what the per-cause defaults allow, validate health after, escalate the rest (docs/recovery.md).",
    "recovery:",
    `  mode: ${mode === "audit" ? "dry-run" : "enforce"}`,
    "",
  ].join("\n");
}

/** The namespace (exempt from both webhooks) and the policy ConfigMap. */
export function namespaceResources(options: InstallOptions): InstallResource[] {
  const ns = options.namespace;
  return [
    {
      file: "namespace.yaml",
      comment: "The webhooks skip this namespace (by name and by label), so a broken guard never blocks its own repair.",
      object: { apiVersion: "v1", kind: "Namespace", metadata: meta(ns, undefined, { labels: { [EXEMPT_LABEL]: "true" } }) },
    },
    {
      file: "policy.yaml",
      comment: `The policy, hot-reloaded by serve. Check a change before applying it: gitops-guard policy validate FILE, then gitops-guard policy diff OLD NEW --records RECORDS.`,
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: meta(POLICY_CONFIGMAP, ns), data: { "policy.yaml": initialPolicyText(options.mode) } },
    },
  ];
}
