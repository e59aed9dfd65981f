import { AppError } from "../../errors.ts";
import { getAt } from "../../core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { metaString, metaValue } from "../../core/k8s/kube-object.ts";
import { MARK_ANNOTATIONS } from "../../core/decide/mark-annotations.ts";
import { desiredFromMarks } from "../../core/replace/desired-from-marks.ts";
import { SELECTING_KINDS, type StrategyName } from "../../core/replace/kind-traits.ts";
import type { PlanInput } from "../../core/replace/plan-replacement.ts";
import { describeRef, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import type { ReplaceSettings } from "../../core/replace/replace-settings.ts";
import { workloadSelector } from "../../core/replace/workload-shape.ts";
import { selectorQuery, type KubeObjects } from "./kube-objects.ts";

/** What a caller asks the engine to replace. */
export interface ReplacementRequest {
  readonly target: ReplaceRef;
  /** The new object (a --desired file); undefined: from the marks, else the owner re-creates it. */
  readonly desired?: JsonObject;
  /** Other objects of the same change (the Service's new selector). */
  readonly desiredOthers?: readonly JsonObject[];
  readonly strategy?: StrategyName;
  readonly settings: ReplaceSettings;
}

/** The Flux Kustomization or HelmRelease that applies an object, from the labels Flux puts on it. */
export function ownerOf(live: JsonObject): ReplaceRef | undefined {
  const ks = metaValue(live, "labels", "kustomize.toolkit.fluxcd.io/name");
  const ksNs = metaValue(live, "labels", "kustomize.toolkit.fluxcd.io/namespace");
  if (ks && ksNs) return { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: ksNs, name: ks };
  const hr = metaValue(live, "labels", "helm.toolkit.fluxcd.io/name");
  const hrNs = metaValue(live, "labels", "helm.toolkit.fluxcd.io/namespace");
  if (hr && hrNs) return { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", namespace: hrNs, name: hr };
  return undefined;
}

function controllerUid(obj: JsonObject): string | undefined {
  const refs = getAt(obj, ["metadata", "ownerReferences"]);
  const ref = Array.isArray(refs) ? refs.find((r) => isJsonObject(r) && r["controller"] === true) : undefined;
  return isJsonObject(ref) && typeof ref["uid"] === "string" ? ref["uid"] : undefined;
}

/** Reads what the plan is made from: the live object, where the desired one comes from, what selects its pods, its pods. */
export async function gatherPlanInput(request: ReplacementRequest, objects: KubeObjects): Promise<PlanInput> {
  const { target } = request;
  const live = await objects.get(target);
  if (live === undefined) throw new AppError("ERR_USAGE", `${describeRef(target)} not found`);
  let desired = request.desired;
  let desiredSource: PlanInput["desiredSource"] = "file";
  if (desired === undefined && metaValue(live, "annotations", MARK_ANNOTATIONS.replace) !== undefined) {
    const fromMarks = desiredFromMarks(live);
    if (fromMarks.ok) {
      desired = fromMarks.value;
      desiredSource = "marks";
    }
  }
  if (desired === undefined) desiredSource = "owner";
  const namespace = target.namespace;
  const selecting = namespace === "" ? [] : (await Promise.all(SELECTING_KINDS.map((k) => objects.list(k.apiVersion, k.kind, namespace)))).flat();
  const selector = selectorQuery(workloadSelector(live));
  const pods = target.kind === "StatefulSet" && selector !== "" ? await objects.list("v1", "Pod", namespace, selector) : [];
  const liveUid = metaString(live, "uid");
  const sets = target.kind === "Deployment" && selector !== "" ? await objects.list("apps/v1", "ReplicaSet", namespace, selector) : [];
  const oldReplicaSets = sets.filter((rs) => controllerUid(rs) === liveUid).map((rs) => metaString(rs, "uid") ?? "").filter((u) => u !== "");
  return {
    live, desired, desiredSource, desiredOthers: request.desiredOthers ?? [], selecting, pods, oldReplicaSets,
    owner: ownerOf(live), settings: request.settings, strategy: request.strategy,
  };
}
