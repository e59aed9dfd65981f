import { dependencyRank } from "./kind-traits.ts";
import type { ReplaceRef } from "./replace-ref.ts";

/**
 * The order in which several replacements of one change run (issue 14 item 1): config and
 * identity first (ConfigMap, Secret, ServiceAccount, RBAC), then workloads, then what selects
 * them (Service, PDB, HPA, NetworkPolicy); CRDs before their resources. Stable within a rank
 * (the order given), so a person's order among equals is kept.
 */
export function orderReplacements<T extends { readonly target: ReplaceRef }>(items: readonly T[]): T[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => dependencyRank(a.item.target.kind) - dependencyRank(b.item.target.kind) || a.i - b.i).map(({ item }) => item);
}
