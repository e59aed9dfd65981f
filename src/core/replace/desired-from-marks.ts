import { MARK_ANNOTATIONS } from "../decide/mark-annotations.ts";
import { parsePathPattern } from "../k8s/field-path.ts";
import { cloneJson, isJsonObject, type JsonObject } from "../k8s/json.ts";
import { metaValue } from "../k8s/kube-object.ts";
import { setAt } from "../k8s/set-at.ts";
import { creatableObject } from "./creatable-object.ts";

/** A changed selector's labels go into the pod template too (the API server refuses a selector the template does not match). */
function selectorIntoTemplate(desired: JsonObject): void {
  const spec = desired["spec"];
  const matchLabels = isJsonObject(spec) && isJsonObject(spec["selector"]) ? spec["selector"]["matchLabels"] : undefined;
  const template = isJsonObject(spec) ? spec["template"] : undefined;
  if (!isJsonObject(matchLabels) || !isJsonObject(template)) return;
  const meta = isJsonObject(template["metadata"]) ? template["metadata"] : {};
  template["metadata"] = meta;
  const labels = isJsonObject(meta["labels"]) ? meta["labels"] : {};
  meta["labels"] = { ...labels, ...matchLabels };
}

/** The {path: value} map of the desired-values annotation, or why it cannot be read. */
function desiredValues(live: JsonObject): { ok: true; value: JsonObject } | { ok: false; error: string } {
  const text = metaValue(live, "annotations", MARK_ANNOTATIONS.desired);
  if (text === undefined) return { ok: false, error: `no ${MARK_ANNOTATIONS.desired} annotation (a Secret, or values too large to keep): give the desired manifest with --desired` };
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    return { ok: false, error: `${MARK_ANNOTATIONS.desired} is not JSON` };
  }
  return isJsonObject(values) ? { ok: true, value: values } : { ok: false, error: `${MARK_ANNOTATIONS.desired} is not a JSON object of path → value` };
}

/**
 * The desired object from the webhook's marks: the live object with each marked field set to
 * its desired value (`gitops-guard.io/replace-desired`, {path: value}). A changed selector also
 * puts its labels into the pod template (the webhook reverted those with the selector, and the
 * API server refuses a selector that does not match the template). Undefined when the object
 * carries no desired values (a Secret, or values over the annotation budget): the caller then
 * needs a manifest.
 */
export function desiredFromMarks(live: JsonObject): { ok: true; value: JsonObject } | { ok: false; error: string } {
  const values = desiredValues(live);
  if (!values.ok) return values;
  const desired = creatableObject(live);
  for (const [path, value] of Object.entries(values.value)) {
    const segments = parsePathPattern(path);
    if (segments.length === 0 || (segments[0] === "metadata" && segments[1] !== "labels" && segments[1] !== "annotations")) {
      return { ok: false, error: `${MARK_ANNOTATIONS.desired}: path "${path}" cannot be set` };
    }
    if (!setAt(desired, segments, value === null ? undefined : cloneJson(value))) return { ok: false, error: `${MARK_ANNOTATIONS.desired}: path "${path}" does not fit the object` };
  }
  selectorIntoTemplate(desired);
  return { ok: true, value: desired };
}
