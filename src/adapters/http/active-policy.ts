import type { Policy } from "../../core/policy/policy-schema.ts";
import type { Catalogue } from "../../core/rules/catalogue.ts";

/** The policy in force and the version every record names. */
export interface ActivePolicy {
  readonly policy: Policy;
  /** `<source>@<content hash>`, e.g. `configmap/gitops-guard/policy#48213@1f0c…` or `file:policy.yaml@1f0c…`. */
  readonly version: string;
  /** The rule catalogue to judge with (built-in rules + policy custom rules + CRD-declared rules). */
  readonly catalogue: Catalogue;
}

/** Supplies the policy for each request; undefined until a valid policy has loaded. */
export interface PolicyProvider {
  current(): ActivePolicy | undefined;
}
