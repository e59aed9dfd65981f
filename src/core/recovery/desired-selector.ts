import { isJsonObject, setOwn, type JsonObject } from "../k8s/json.ts";

/** Labels one selector may carry (Kubernetes has no limit; real selectors hold a handful). */
export const MAX_SELECTOR_LABELS = 32;

/**
 * `spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "team":"shop"},
 * MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable` — the value kube-apiserver
 * prints (%#v) for a refused selector change (ValidateImmutableField; reference/k8s-immutable-fields.md).
 * Only matchLabels selectors are read: with matchExpressions (or anything unexpected) undefined.
 */
const SELECTOR_VALUE = /spec\.selector: Invalid value: v1\.LabelSelector\{MatchLabels:map\[string\]string\{((?:"(?:[^"\\]|\\.)*":"(?:[^"\\]|\\.)*"(?:, )?)*)\}, MatchExpressions:\[\]v1\.LabelSelectorRequirement\(nil\)\}/;
const PAIR = /"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g;

/**
 * The desired selector a refused change asked for, from the error message; undefined when the
 * message does not carry one this reader understands. Keys are data (`__proto__` included).
 */
export function desiredSelector(message: string): Record<string, string> | undefined {
  const match = SELECTOR_VALUE.exec(message);
  if (match === null) return undefined;
  const labels: Record<string, string> = {};
  let count = 0;
  for (const pair of (match[1] ?? "").matchAll(PAIR)) {
    if (++count > MAX_SELECTOR_LABELS) return undefined;
    let key: unknown;
    let value: unknown;
    try {
      key = JSON.parse(`"${pair[1] ?? ""}"`);
      value = JSON.parse(`"${pair[2] ?? ""}"`);
    } catch {
      return undefined;
    }
    if (typeof key !== "string" || typeof value !== "string") return undefined;
    Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return count === 0 ? undefined : labels;
}

const SERVER_FIELDS = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];

/**
 * The workload as the refused apply wanted it, as far as the error tells: the live object with
 * the new selector, its labels added to the pod template's (a Deployment's template must match
 * its selector), without status and server-assigned metadata. The replacement engine creates it;
 * the owner's next apply brings the rest of Git's version (a patch: the selector is equal then).
 */
export function desiredWorkload(live: JsonObject, matchLabels: Readonly<Record<string, string>>): JsonObject {
  const desired = structuredClone(live);
  delete desired["status"];
  const meta = isJsonObject(desired["metadata"]) ? desired["metadata"] : {};
  for (const field of SERVER_FIELDS) delete meta[field];
  desired["metadata"] = meta;
  const spec = isJsonObject(desired["spec"]) ? desired["spec"] : {};
  desired["spec"] = spec;
  const selector: JsonObject = {};
  for (const [k, v] of Object.entries(matchLabels)) setOwn(selector, k, v);
  spec["selector"] = { matchLabels: selector };
  const template = isJsonObject(spec["template"]) ? spec["template"] : {};
  spec["template"] = template;
  const templateMeta = isJsonObject(template["metadata"]) ? template["metadata"] : {};
  template["metadata"] = templateMeta;
  const labels = isJsonObject(templateMeta["labels"]) ? templateMeta["labels"] : {};
  for (const [k, v] of Object.entries(matchLabels)) setOwn(labels, k, v);
  templateMeta["labels"] = labels;
  return desired;
}
