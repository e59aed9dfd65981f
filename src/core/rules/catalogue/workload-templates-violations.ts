import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, isNil, semanticEqual, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/** Fields of a pod group template tagged `+k8s:immutable` (scheduling/v1beta1/types.go). */
const FROZEN: readonly (readonly string[])[] = [
  ["schedulingConstraints"],
  ["resourceClaims"],
  ["disruptionMode"],
  ["priorityClassName"],
  ["priority"],
  ["preemptionPolicy"],
  ["schedulingPolicy", "basic"],
];

function templatesByName(list: JsonValue | undefined): Map<string, { index: number; item: JsonObject }> {
  const out = new Map<string, { index: number; item: JsonObject }>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, index) => {
    if (isJsonObject(item) && typeof item["name"] === "string") out.set(item["name"], { index, item });
  });
  return out;
}

/**
 * Workload `spec.podGroupTemplates` (v1.36+): `+k8s:update=NoAddItem` and `NoRemoveItem` on the
 * list (items keyed by name), `+k8s:immutable` on FROZEN inside each item, and `gang`
 * `NoSet`+`NoUnset` (its presence is fixed; its minCount is not).
 */
export function workloadTemplatesViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = templatesByName(getAt(input.old, rule.root));
  const after = templatesByName(getAt(input.new, rule.root));
  const out: Violation[] = [];
  for (const [name, { index, item }] of after) {
    const old = before.get(name);
    if (!old) {
      out.push({ path: [...rule.root, index], from: undefined, to: item, detail: "pod group templates may not be added to a Workload" });
      continue;
    }
    for (const field of FROZEN) {
      const from = getAt(old.item, field);
      const to = getAt(item, field);
      if (!semanticEqual(from ?? null, to ?? null)) out.push({ path: [...rule.root, index, ...field], from, to });
    }
    const gang: readonly PathSegment[] = ["schedulingPolicy", "gang"];
    const gangBefore = getAt(old.item, gang);
    const gangAfter = getAt(item, gang);
    if (isNil(gangBefore) !== isNil(gangAfter)) out.push({ path: [...rule.root, index, ...gang], from: gangBefore, to: gangAfter });
  }
  for (const [name, { index, item }] of before) {
    if (!after.has(name)) out.push({ path: [...rule.root, index], from: item, to: undefined, detail: "pod group templates may not be removed from a Workload" });
  }
  return out;
}
