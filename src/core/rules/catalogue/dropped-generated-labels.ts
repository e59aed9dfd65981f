import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { cloneJson, isJsonObject, semanticEqual, type JsonObject } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { isUnset } from "./is-unset.ts";

/** Labels the Job controller's defaulting adds to a generated selector's pod template (batch/v1). */
export const GENERATED_JOB_LABELS = [
  "controller-uid",
  "batch.kubernetes.io/controller-uid",
  "job-name",
  "batch.kubernetes.io/job-name",
] as const;

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/** A copy of `object` without the labels `keys`, and without the maps that leaves empty. */
function withoutLabels(object: JsonObject, labelsPath: readonly PathSegment[], keys: readonly string[]): JsonObject {
  const copy = cloneJson(object);
  const labels = getAt(copy, labelsPath);
  if (isJsonObject(labels)) for (const key of keys) delete labels[key];
  for (let depth = labelsPath.length; depth > 1; depth--) {
    const parent = getAt(copy, labelsPath.slice(0, depth - 1));
    const key = labelsPath[depth - 1];
    if (!isJsonObject(parent) || typeof key !== "string" || !isUnset(parent[key])) break;
    delete parent[key];
  }
  return copy;
}

/**
 * Generated template labels the manifest dropped. When the manifest dropped the whole labels map
 * (or the template metadata) and it held nothing else, the violation is reported where the pair
 * diverges, so it covers the template's immutable change at that path too.
 */
export function droppedGeneratedLabels(input: RuleInput, rule: CompiledRule): Violation[] {
  const labelsPath = rule.root;
  const before = getAt(input.old, labelsPath);
  const after = getAt(input.new, labelsPath);
  const olds = isJsonObject(before) ? before : {};
  const news = isJsonObject(after) ? after : {};
  const dropped = GENERATED_JOB_LABELS.filter((key) => !isUnset(olds[key]) && isUnset(news[key]));
  if (dropped.length === 0) return [];
  const stripped = withoutLabels(input.old, labelsPath, dropped);
  for (let depth = labelsPath.length; depth >= labelsPath.length - 1; depth--) {
    const anchor = labelsPath.slice(0, depth);
    const diverges = input.changes.some((change) => samePath(change.path, anchor));
    if (diverges && semanticEqual(getAt(stripped, anchor), getAt(input.new, anchor))) {
      return [{ path: anchor, from: getAt(input.old, anchor), to: getAt(input.new, anchor) }];
    }
  }
  return dropped.map((key) => ({ path: [...labelsPath, key], from: olds[key], to: news[key] }));
}
