import { getAt } from "../../k8s/field-path.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

function length(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/**
 * `ValidateContainerUpdates`: an update may not add or remove (init) containers, and every
 * container keeps a non-empty image without surrounding whitespace. Reported at the list and at
 * each added or removed entry.
 */
export function podContainerCount(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = getAt(input.old, rule.root);
  const after = getAt(input.new, rule.root);
  const oldCount = length(before);
  const newCount = length(after);
  if (oldCount !== newCount) {
    const violations: Violation[] = [{ path: rule.root, from: before, to: after }];
    for (let i = Math.min(oldCount, newCount); i < Math.max(oldCount, newCount); i++) {
      const path = [...rule.root, i];
      violations.push({ path, from: getAt(input.old, path), to: getAt(input.new, path) });
    }
    return violations;
  }
  const violations: Violation[] = [];
  for (let i = 0; i < newCount; i++) {
    const path = [...rule.root, i, "image"];
    const image = getAt(input.new, path);
    if (typeof image === "string" && image !== "" && image.trim() === image) continue;
    const detail = "a container image is required, without leading or trailing whitespace";
    violations.push({ path, from: getAt(input.old, path), to: image, detail });
  }
  return violations;
}
