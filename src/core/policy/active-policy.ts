import type { Catalogue } from "../rules/catalogue.ts";
import { catalogueFor } from "../rules/catalogue-for.ts";
import { resolveKubeTarget } from "../kube/resolve-kube-target.ts";
import type { KubeRelease } from "../kube/kube-release.ts";
import type { Rule } from "../rules/rule.ts";
import { customRulesToRules } from "./custom-rules.ts";
import type { LoadedPolicy } from "./parse-policy.ts";
import type { Policy } from "./policy-schema.ts";

/** The policy in force and the version every record names. */
export interface ActivePolicy {
  readonly policy: Policy;
  /** `<source>@<content hash>`, e.g. `configmap/gitops-guard/policy#48213@1f0c…` or `file:policy.yaml@1f0c…`. */
  readonly version: string;
  /** The rule catalogue to judge with (built-in rules + policy custom rules + CRD-declared rules). */
  readonly catalogue: Catalogue;
}

/** What serve knows of the cluster's release: the API server's own /version, else --kube-version. */
export interface ServedRelease {
  readonly apiServer?: KubeRelease;
  readonly flag?: KubeRelease;
}

/**
 * The rule set a policy yields: the built-in rules that hold on the cluster's release (the API
 * server's, else --kube-version, else the policy's kubernetes.version, else the newest known)
 * with the policy's feature gates, plus the policy's custom rules and the rules the CRDs declare.
 * The one place a catalogue is built: `check`, and `serve` on each thread that decides, once per
 * change of the policy, the CRDs or the release (never per request).
 */
export function policyCatalogue(policy: Pick<Policy, "customRules" | "kubernetes">, declared: readonly Rule[], release: ServedRelease = {}): Catalogue {
  return catalogueFor(resolveKubeTarget({ ...release, policy: policy.kubernetes }), [...customRulesToRules(policy.customRules), ...declared]);
}

/** A loaded policy with its catalogue and version, ready to judge with. */
export function activePolicy(loaded: LoadedPolicy, source: string, declared: readonly Rule[], release: ServedRelease = {}): ActivePolicy {
  return {
    policy: loaded.policy,
    version: `${source}@${loaded.contentHash}`,
    catalogue: policyCatalogue(loaded.policy, declared, release),
  };
}
