import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function gateName(gate: JsonValue | undefined): string | undefined {
  const name = isJsonObject(gate) ? gate["name"] : undefined;
  return typeof name === "string" ? name : undefined;
}

/** `validateOnlyDeletedSchedulingGates`: a gate whose name the stored pod lacks is an addition. */
export function podSchedulingGatesOnlyRemoved(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  const known = new Set((Array.isArray(before) ? before : []).map(gateName));
  const violations: Violation[] = [];
  (Array.isArray(after) ? after : []).forEach((gate, i) => {
    const name = gateName(gate);
    if (known.has(name)) return;
    const path = [...rule.root, i, "name"];
    const detail = `scheduling gates can only be removed; found new gate "${name ?? ""}"`;
    violations.push({ path, from: getAt(input.old, path), to: name ?? null, detail });
  });
  return violations;
}
