import type { ActivePolicy } from "../../core/policy/active-policy.ts";

/** Supplies the policy for each request; undefined until a valid policy has loaded. */
export interface PolicyProvider {
  current(): ActivePolicy | undefined;
}
