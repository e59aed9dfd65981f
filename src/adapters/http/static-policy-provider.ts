import { catalogueFor } from "../../core/rules/catalogue-for.ts";
import { resolveKubeTarget } from "../../core/kube/resolve-kube-target.ts";
import type { KubeRelease } from "../../core/kube/kube-release.ts";
import type { Rule } from "../../core/rules/rule.ts";
import type { LoadedPolicy } from "../../core/policy/parse-policy.ts";
import type { ActivePolicy, PolicyProvider } from "./active-policy.ts";

/** What serve knows of the cluster's release: the API server's own /version, else --kube-version. */
export interface ServedRelease {
  readonly apiServer?: KubeRelease;
  readonly flag?: KubeRelease;
}

/**
 * The catalogue for a policy: the built-in rules that hold on the cluster's release (the API
 * server's, else --kube-version, else the policy's kubernetes.version, else the newest known) with
 * the policy's feature gates, plus the policy's own and any CRD-declared rules.
 */
export function activePolicy(loaded: LoadedPolicy, source: string, extraRules: readonly Rule[], release: ServedRelease = {}): ActivePolicy {
  return {
    policy: loaded.policy,
    version: `${source}@${loaded.contentHash}`,
    catalogue: catalogueFor(resolveKubeTarget({ ...release, policy: loaded.policy.kubernetes }), extraRules),
  };
}

/** A policy that never changes (a file, or the embedded default). */
export function staticPolicyProvider(active: ActivePolicy): PolicyProvider {
  return { current: () => active };
}
