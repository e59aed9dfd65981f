import { getAt } from "../../k8s/field-path.ts";
import type { JsonObject } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { changesUnder } from "../find-violations.ts";

/** podCIDRs, or the legacy single podCIDR (v1 conversion fills one from the other). */
function cidrs(node: JsonObject): string[] {
  const list = getAt(node, ["spec", "podCIDRs"]);
  const values = Array.isArray(list) ? list.filter((v): v is string => typeof v === "string" && v !== "") : [];
  if (values.length > 0) return values;
  const single = getAt(node, ["spec", "podCIDR"]);
  return typeof single === "string" && single !== "" ? [single] : [];
}

/** `ValidateNodeUpdate`: once a node has pod CIDRs, the list may not change (set from empty is fine). */
export function nodePodCIDRs(input: RuleInput): Violation[] {
  const before = cidrs(input.old);
  const after = cidrs(input.new);
  if (before.length === 0 || (before.length === after.length && before.every((cidr, i) => cidr === after[i]))) return [];
  const changed = [...changesUnder(input, ["spec", "podCIDR"]), ...changesUnder(input, ["spec", "podCIDRs"])];
  return changed.length > 0 ? changed : [{ path: ["spec", "podCIDRs"], from: before, to: after }];
}
