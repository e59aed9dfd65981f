import type { LoadedPolicy } from "../../core/policy/parse-policy.ts";
import type { JsonValue } from "../../core/k8s/json.ts";
import type { Rule } from "../../core/rules/rule.ts";
import { declaredRulesOf } from "../../core/crd/declared-rules-of.ts";
import { createCelCompiler } from "../../core/crd/cel/cel-compiler.ts";
import { activePolicy, type ActivePolicy, type ServedRelease } from "../../core/policy/active-policy.ts";
import type { PolicyProvider } from "./policy-provider.ts";

/**
 * One change of what the catalogue is built from. Plain data (structured-cloneable): the decision
 * thread rebuilds the same catalogue from it, since rules hold functions that cannot be sent.
 */
export type PolicyChange =
  | { readonly type: "policy"; readonly loaded: LoadedPolicy; readonly source: string }
  | { readonly type: "crds"; readonly crds: readonly JsonValue[] }
  | { readonly type: "release"; readonly release: ServedRelease };

/** A policy provider fed by watches (ConfigMap, CRDs); the catalogue is rebuilt once per change, not per request. */
export interface DynamicPolicyProvider extends PolicyProvider {
  setPolicy(loaded: LoadedPolicy, source: string): ActivePolicy;
  /**
   * The CRDs to read declared rules from (every CRD that declares any), and their rules when the
   * caller has read them already (the CRD watch has: they are not read a second time here).
   */
  setCrds(crds: readonly JsonValue[], rules?: readonly Rule[]): void;
  /** The cluster's release (the API server's /version, else --kube-version): the catalogue is rebuilt for it. */
  setRelease(release: ServedRelease): void;
  apply(change: PolicyChange): void;
  /** Calls `listener` with the changes that rebuild the current state, then with every later change. */
  subscribe(listener: (change: PolicyChange) => void): void;
}

export function dynamicPolicyProvider(initialRelease: ServedRelease = {}): DynamicPolicyProvider {
  let release = initialRelease;
  let policy: { readonly loaded: LoadedPolicy; readonly source: string } | undefined;
  let crds: readonly JsonValue[] = [];
  let crdRules: readonly Rule[] = [];
  let active: ActivePolicy | undefined;
  // One compiler for the provider's life: a CRD change recompiles only rule texts not seen before.
  const crdRuleOptions = { compiler: createCelCompiler(), now: () => performance.now() };
  const listeners: ((change: PolicyChange) => void)[] = [];
  const rebuild = (): ActivePolicy | undefined => {
    active = policy ? activePolicy(policy.loaded, policy.source, crdRules, release) : undefined;
    return active;
  };
  const notify = (change: PolicyChange): void => {
    for (const listener of listeners) listener(change);
  };
  const provider: DynamicPolicyProvider = {
    current: () => active,
    setPolicy(loaded, source) {
      policy = { loaded, source };
      const rebuilt = rebuild()!;
      notify({ type: "policy", loaded, source });
      return rebuilt;
    },
    setCrds(next, rules) {
      crds = next;
      crdRules = rules ?? declaredRulesOf(next, crdRuleOptions);
      rebuild();
      notify({ type: "crds", crds: next });
    },
    setRelease(next) {
      release = next;
      rebuild();
      notify({ type: "release", release: next });
    },
    apply(change) {
      if (change.type === "policy") provider.setPolicy(change.loaded, change.source);
      else if (change.type === "crds") provider.setCrds(change.crds);
      else provider.setRelease(change.release);
    },
    subscribe(listener) {
      if (release.apiServer || release.flag) listener({ type: "release", release });
      if (crds.length > 0) listener({ type: "crds", crds });
      if (policy) listener({ type: "policy", ...policy });
      listeners.push(listener);
    },
  };
  return provider;
}
