import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { metaMap } from "../../../src/core/k8s/kube-object.ts";
import { parseFieldSelector } from "./field-selector.ts";
import { parseLabelSelector } from "./label-selector.ts";
import { metaString } from "./object-metadata.ts";
import type { ResourceType } from "./resource-type.ts";

/** Which served objects a list or watch returns. */
export interface ObjectSelector {
  /** true when the object (served form) is in the namespace and matches both selectors. */
  matches(obj: JsonObject): boolean;
  /** A labelSelector or fieldSelector was given (kube-apiserver then omits remainingItemCount). */
  readonly filtered: boolean;
}

/**
 * The selector of a list/watch request: `namespace` (undefined = all namespaces) and the
 * labelSelector / fieldSelector query values. Malformed selectors throw 400 StatusErrors.
 */
export function objectSelector(resource: ResourceType, namespace: string | undefined, query: URLSearchParams): ObjectSelector {
  const labelText = query.get("labelSelector") ?? "";
  const fieldText = query.get("fieldSelector") ?? "";
  const labels = parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText, resource.fieldSelectors);
  return {
    matches: (obj) => (namespace === undefined || metaString(obj, "namespace") === namespace)
      && labels(Object.fromEntries(metaMap(obj, "labels"))) && fields(obj),
    filtered: labelText.trim() !== "" || fieldText.trim() !== "",
  };
}
