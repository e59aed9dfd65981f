import { isJsonObject, type JsonValue } from "../../k8s/json.ts";

/** One `matchExpressions` requirement (apimachinery labels.Requirement). */
export interface Requirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

/**
 * A label selector as the API server reads it. `none` selects nothing: a null `metav1.LabelSelector`
 * ("A null label selector matches no objects"), a Service without selector (its endpoints are
 * managed outside Kubernetes), or a selector we cannot read (an unknown operator: the API server
 * would have refused the object, so nothing is selected rather than everything).
 * A `match` selector with no labels and no expressions is `{}`: it selects everything.
 */
export type Selector =
  | { readonly type: "none"; readonly reason: "null" | "no-selector" | "invalid" }
  | { readonly type: "match"; readonly labels: readonly (readonly [string, string])[]; readonly expressions: readonly Requirement[] };

export type Labels = ReadonlyMap<string, string>;

const OPERATORS: readonly Requirement["operator"][] = ["In", "NotIn", "Exists", "DoesNotExist"];

function operatorOf(value: JsonValue | undefined): Requirement["operator"] | undefined {
  return OPERATORS.find((op) => op === value);
}

export const NULL_SELECTOR: Selector = { type: "none", reason: "null" };
export const EVERYTHING: Selector = { type: "match", labels: [], expressions: [] };

function stringPairs(value: JsonValue | undefined): [string, string][] | undefined {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return undefined;
  const pairs: [string, string][] = [];
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = value[key];
    if (typeof v !== "string") return undefined;
    pairs.push([key, v]);
  }
  return pairs;
}

function requirement(value: JsonValue): Requirement | undefined {
  if (!isJsonObject(value)) return undefined;
  const key = value["key"];
  const op = operatorOf(value["operator"]);
  const values = value["values"] ?? [];
  if (typeof key !== "string" || op === undefined || !Array.isArray(values)) return undefined;
  if (!values.every((v) => typeof v === "string")) return undefined;
  // validation.go ValidateLabelSelectorRequirement: In/NotIn need values, Exists/DoesNotExist none.
  const needsValues = op === "In" || op === "NotIn";
  if (needsValues !== values.length > 0) return undefined;
  return { key, operator: op, values: values.filter((v) => typeof v === "string") };
}

/**
 * A `metav1.LabelSelector` (PDB, NetworkPolicy, Deployment, ServiceMonitor…): absent or null →
 * `none` unless the API defaults it (pass `absent: EVERYTHING` for NetworkPolicy.spec.podSelector,
 * which "defaults to an empty selector"); `{}` → everything; matchLabels AND matchExpressions.
 */
export function parseLabelSelector(value: JsonValue | undefined, absent: Selector = NULL_SELECTOR): Selector {
  if (value === undefined || value === null) return absent;
  if (!isJsonObject(value)) return { type: "none", reason: "invalid" };
  const labels = stringPairs(value["matchLabels"]);
  const rawExpressions = value["matchExpressions"] ?? [];
  if (!labels || !Array.isArray(rawExpressions)) return { type: "none", reason: "invalid" };
  const expressions: Requirement[] = [];
  for (const raw of rawExpressions) {
    const r = requirement(raw);
    if (!r) return { type: "none", reason: "invalid" };
    expressions.push(r);
  }
  return { type: "match", labels, expressions };
}

/**
 * A Service's map selector: "If empty or not present, the service is assumed to have an external
 * process managing its endpoints" (core/v1 ServiceSpec.selector), so `{}` selects nothing here,
 * unlike a LabelSelector's `{}`.
 */
export function parseMapSelector(value: JsonValue | undefined): Selector {
  const labels = stringPairs(value);
  if (!labels) return { type: "none", reason: "invalid" };
  if (labels.length === 0) return { type: "none", reason: "no-selector" };
  return { type: "match", labels, expressions: [] };
}

function requirementMatches(r: Requirement, labels: Labels): boolean {
  const value = labels.get(r.key);
  switch (r.operator) {
    case "In":
      return value !== undefined && r.values.includes(value);
    // apimachinery labels.Requirement.Matches: NotIn matches objects that lack the key.
    case "NotIn":
      return value === undefined || !r.values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
  }
}

/** Whether the selector selects an object with these labels (matchLabels AND matchExpressions). */
export function selectorMatches(selector: Selector, labels: Labels): boolean {
  if (selector.type === "none") return false;
  for (const [key, value] of selector.labels) if (labels.get(key) !== value) return false;
  return selector.expressions.every((r) => requirementMatches(r, labels));
}

/**
 * The `key=value` pairs every selected object must carry (matchLabels and single-value `In`):
 * what an inverted index can look a selector up by. Empty when the selector has none.
 */
export function requiredPairs(selector: Selector): [string, string][] {
  if (selector.type === "none") return [];
  const pairs: [string, string][] = selector.labels.map(([k, v]) => [k, v]);
  for (const r of selector.expressions) {
    const only = r.values[0];
    if (r.operator === "In" && r.values.length === 1 && only !== undefined) pairs.push([r.key, only]);
  }
  return pairs;
}

/** "app=web, tier in (a,b), !legacy": how messages show a selector (kubectl's notation). */
export function describeSelector(selector: Selector): string {
  if (selector.type === "none") return selector.reason === "no-selector" ? "<no selector>" : "<selects nothing>";
  const parts = selector.labels.map(([k, v]) => `${k}=${v}`);
  for (const r of selector.expressions) {
    if (r.operator === "Exists") parts.push(r.key);
    else if (r.operator === "DoesNotExist") parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === "In" ? "in" : "notin"} (${r.values.join(",")})`);
  }
  return parts.length === 0 ? "<everything>" : parts.join(", ");
}

/** Labels as a Map (own properties only: `__proto__` is a label key like any other). */
export function labelsOf(value: JsonValue | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!isJsonObject(value)) return out;
  for (const key in value) {
    const v = value[key];
    if (Object.hasOwn(value, key) && typeof v === "string") out.set(key, v);
  }
  return out;
}
