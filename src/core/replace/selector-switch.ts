import { isJsonObject, stringMapOf, type JsonObject } from "../k8s/json.ts";
import { getAt } from "../k8s/field-path.ts";
import { metaString } from "../k8s/kube-object.ts";
import type { LabelMap } from "./condition.ts";
import { SELECTING_KINDS, type SelectingKind } from "./kind-traits.ts";
import type { ReplaceRef } from "./replace-ref.ts";
import { labelsMatch, sameLabels, templateLabels, workloadSelector } from "./workload-shape.ts";

/** A selecting object (Service, PDB, NetworkPolicy) that must follow the workload's new labels. */
export interface SelectorSwitch {
  readonly ref: ReplaceRef;
  readonly path: readonly string[];
  readonly form: "map" | "label-selector";
  readonly from: LabelMap;
  readonly to: LabelMap;
  /** Applied by Flux (kustomize.toolkit.fluxcd.io/name): frozen while the cut-over waits. */
  readonly fluxManaged: boolean;
  /** It already carried `kustomize.toolkit.fluxcd.io/reconcile: disabled` (someone else's freeze: left as it is). */
  readonly alreadyFrozen: boolean;
}

export const FLUX_RECONCILE_ANNOTATION = "kustomize.toolkit.fluxcd.io/reconcile";
export const FLUX_RECONCILE_DISABLED = "disabled";

function selectingKindOf(obj: JsonObject): SelectingKind | undefined {
  return SELECTING_KINDS.find((k) => k.kind === obj["kind"]);
}

/** The label map a selecting object selects by (matchLabels for a LabelSelector; matchExpressions are kept as they are). */
export function selectorOf(obj: JsonObject, kind: SelectingKind): LabelMap {
  const at = getAt(obj, [...kind.path]);
  const map = kind.form === "map" ? at : isJsonObject(at) ? at["matchLabels"] : undefined;
  return Object.fromEntries(stringMapOf(map));
}

/**
 * The selector a Service (or PDB, NetworkPolicy) needs to select the new pods: each key it had
 * takes the new template's value (and goes if the new template lacks it), and each key the new
 * workload selector added or changed is added — what kustomize commonLabels does to both.
 */
export function followingSelector(current: LabelMap, oldWorkload: JsonObject, newWorkload: JsonObject): LabelMap {
  const newTemplate = templateLabels(newWorkload);
  const oldSelector = workloadSelector(oldWorkload);
  // A Map: label keys are data, "__proto__" included (an assignment would set a prototype).
  const out = new Map<string, string>();
  for (const key of Object.keys(current)) if (Object.hasOwn(newTemplate, key)) out.set(key, newTemplate[key]!);
  for (const [key, value] of Object.entries(workloadSelector(newWorkload))) {
    if (!Object.hasOwn(oldSelector, key) || oldSelector[key] !== value) out.set(key, value);
  }
  return Object.fromEntries(out);
}

/**
 * The switches a workload's replacement needs: every selecting object in the namespace that
 * selects the old pods and whose selector changes — to its own desired selector when one was
 * given (a Service in the same --desired file; kustomize commonLabels changes both), else, when
 * it would not select the new pods at all, to a selector that follows them (followingSelector).
 */
export function selectorSwitches(oldWorkload: JsonObject, newWorkload: JsonObject, selecting: readonly JsonObject[], desiredOthers: readonly JsonObject[]): SelectorSwitch[] {
  const oldLabels = templateLabels(oldWorkload);
  const newLabels = templateLabels(newWorkload);
  const out: SelectorSwitch[] = [];
  for (const obj of selecting) {
    const kind = selectingKindOf(obj);
    const name = metaString(obj, "name");
    if (kind === undefined || name === undefined) continue;
    const from = selectorOf(obj, kind);
    if (!labelsMatch(from, oldLabels)) continue;
    const own = desiredOthers.find((d) => d["kind"] === kind.kind && metaString(d, "name") === name);
    // Its own desired manifest decides; without one, only a selector that would lose the pods follows them.
    if (own === undefined && labelsMatch(from, newLabels)) continue;
    const to = own === undefined ? followingSelector(from, oldWorkload, newWorkload) : selectorOf(own, kind);
    if (sameLabels(from, to)) continue;
    const annotations = stringMapOf(getAt(obj, ["metadata", "annotations"]));
    const labels = stringMapOf(getAt(obj, ["metadata", "labels"]));
    out.push({
      ref: { apiVersion: typeof obj["apiVersion"] === "string" ? obj["apiVersion"] : kind.apiVersion, kind: kind.kind, namespace: metaString(obj, "namespace") ?? "", name },
      path: kind.path, form: kind.form, from, to,
      fluxManaged: labels.has("kustomize.toolkit.fluxcd.io/name"),
      alreadyFrozen: (annotations.get(FLUX_RECONCILE_ANNOTATION) ?? labels.get(FLUX_RECONCILE_ANNOTATION)) === FLUX_RECONCILE_DISABLED,
    });
  }
  return out;
}
