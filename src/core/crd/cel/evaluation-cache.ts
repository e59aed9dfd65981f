import { semanticEqual, type JsonValue } from "../../k8s/json.ts";
import { toCelValue } from "./cel-value.ts";
import type { SchemaNode } from "./crd-schema-node.ts";
import type { NodeVisit, Step } from "./crd-rule-sites.ts";

/**
 * What the rules of one object pair share: the equality of old and new nodes and their CEL
 * values. Three rules on `spec` ask whether spec changed and convert spec three times otherwise
 * (bench/crd-rules.ts: these two were two thirds of a review's time). Lives as long as the pair
 * (keyed by the RuleInput in a WeakMap); the values it holds are the pair's own nodes.
 */
export interface EvaluationCache {
  equal(a: JsonValue, b: JsonValue): boolean;
  celValue(value: JsonValue, node: SchemaNode, resourceRoot: boolean): unknown;
  /** The visits of the rules at one schema node (they share its `steps` array), computed once. */
  visits(steps: readonly Step[], compute: () => NodeVisit[]): NodeVisit[];
  /** Whether a visit's old and new values are equal as kube-apiserver compares them, computed once. */
  schemaEqual(visit: NodeVisit, compute: () => boolean): boolean;
}

export function createEvaluationCache(): EvaluationCache {
  // Plain Maps, not WeakMaps: the cache dies with its object pair, and WeakMaps whose keys outlive
  // them (a bench judging the same pair again) make the collector's ephemeron work grow.
  const equalities = new Map<object, Map<object, boolean>>();
  const values = new Map<object, Map<SchemaNode, unknown>>();
  const rootValues = new Map<object, unknown>();
  const visits = new Map<readonly Step[], NodeVisit[]>();
  const schemaEquals = new Map<NodeVisit, boolean>();
  return {
    schemaEqual(visit, compute) {
      let found = schemaEquals.get(visit);
      if (found === undefined) schemaEquals.set(visit, (found = compute()));
      return found;
    },
    visits(steps, compute) {
      let found = visits.get(steps);
      if (!found) visits.set(steps, (found = compute()));
      return found;
    },
    equal(a, b) {
      if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return semanticEqual(a, b);
      let row = equalities.get(a);
      if (!row) equalities.set(a, (row = new Map()));
      let result = row.get(b);
      if (result === undefined) row.set(b, (result = semanticEqual(a, b)));
      return result;
    },
    celValue(value, node, resourceRoot) {
      if (typeof value !== "object" || value === null) return toCelValue(value, node, 0, resourceRoot);
      if (resourceRoot) {
        if (!rootValues.has(value)) rootValues.set(value, toCelValue(value, node, 0, true));
        return rootValues.get(value);
      }
      let byNode = values.get(value);
      if (!byNode) values.set(value, (byNode = new Map()));
      if (!byNode.has(node)) byNode.set(node, toCelValue(value, node, 0, false));
      return byNode.get(node);
    },
  };
}
