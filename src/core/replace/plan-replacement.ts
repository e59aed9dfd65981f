import { getAt } from "../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonObject } from "../k8s/json.ts";
import { metaString, metaValue } from "../k8s/kube-object.ts";
import type { Condition } from "./condition.ts";
import { DATA_BEARING_KINDS, defaultStrategy, WORKLOAD_KINDS, type StrategyName } from "./kind-traits.ts";
import { journalName } from "./journal.ts";
import { migrationProcedure } from "./migration-procedure.ts";
import { plan, refusal, type DesiredSource, type ReplacementPlan, type Refusal } from "./replace-plan.ts";
import type { ReplaceRef } from "./replace-ref.ts";
import type { ReplaceSettings } from "./replace-settings.ts";
import type { Step, StepAction } from "./replace-step.ts";
import { describeAction } from "./replace-step.ts";
import { FLUX_RECONCILE_ANNOTATION, FLUX_RECONCILE_DISABLED, selectorSwitches, type SelectorSwitch } from "./selector-switch.ts";
import { claimTemplates, minReadyOf, replicasOf, sameLabels, workloadSelector } from "./workload-shape.ts";

/** Everything the plan is made from, read by the adapter before anything changes. */
export interface PlanInput {
  readonly live: JsonObject;
  /** The new object, or undefined when its owner re-creates it (`owner` below must then be set). */
  readonly desired: JsonObject | undefined;
  readonly desiredSource: DesiredSource;
  /** Other objects of the same change (a Service's new selector in the --desired file). */
  readonly desiredOthers: readonly JsonObject[];
  /** Services, PodDisruptionBudgets and NetworkPolicies of the target's namespace. */
  readonly selecting: readonly JsonObject[];
  /** Pods of the target's namespace (StatefulSet pods to roll). */
  readonly pods: readonly JsonObject[];
  /** uids of the ReplicaSets the live Deployment owns (the old generation a rollback keeps). */
  readonly oldReplicaSets: readonly string[];
  /** The Kustomization or HelmRelease that applies the target (from its labels), when there is one. */
  readonly owner: ReplaceRef | undefined;
  readonly settings: ReplaceSettings;
  /** The strategy asked for; undefined: the kind's default (workloads orphan-recreate, upgraded to blue-green when something selects through changed labels). */
  readonly strategy: StrategyName | undefined;
}

function refOf(obj: JsonObject): ReplaceRef {
  return { apiVersion: String(obj["apiVersion"] ?? ""), kind: String(obj["kind"] ?? ""), namespace: metaString(obj, "namespace") ?? "", name: metaString(obj, "name") ?? "" };
}

function step(id: string, action: StepAction, preconditions: readonly Condition[], verification: Condition, more: { readonly rollsBack: boolean; readonly title?: string }): Step {
  return { id, title: more.title ?? describeAction(action), action, preconditions, verification, rollsBack: more.rollsBack };
}

const BACK = { rollsBack: true } as const;
const COMMITTED = { rollsBack: false } as const;

/** A Job is running while it has neither a Complete nor a Failed condition that is True. */
function jobRunning(job: JsonObject): boolean {
  const conditions = getAt(job, ["status", "conditions"]);
  const finished = Array.isArray(conditions) && conditions.some((c) => isJsonObject(c) && (c["type"] === "Complete" || c["type"] === "Failed") && c["status"] === "True");
  return !finished && getAt(job, ["status", "startTime"]) !== undefined;
}

/**
 * StatefulSet pods `<name>-<ordinal>` below the new replica count, lowest ordinal first: the
 * controller processes replicas from ordinal 0 and stops at the first it cannot update in place
 * (the claim-template trap), so a higher pod deleted first is not even re-created.
 */
function podsToRoll(live: JsonObject, desired: JsonObject, pods: readonly JsonObject[]): { name: string; uid: string }[] {
  const name = metaString(live, "name") ?? "";
  const replicas = replicasOf(desired);
  const out: { name: string; uid: string; ordinal: number }[] = [];
  for (const pod of pods) {
    const podName = metaString(pod, "name") ?? "";
    const m = /^(.*)-(\d+)$/.exec(podName);
    const uid = metaString(pod, "uid");
    if (!m || m[1] !== name || uid === undefined || Number(m[2]) >= replicas) continue;
    out.push({ name: podName, uid, ordinal: Number(m[2]) });
  }
  return out.sort((a, b) => a.ordinal - b.ordinal).map(({ name: n, uid }) => ({ name: n, uid }));
}

/** The steps of orphan-recreate and blue-green (issue 14 item 1). */
function workloadSteps(input: PlanInput, target: ReplaceRef, oldUid: string, switches: readonly SelectorSwitch[], minReady: number): Step[] {
  const { live, desired } = input;
  const steps: Step[] = [];
  const freezes = switches.filter((s) => s.fluxManaged && !s.alreadyFrozen);
  for (const s of freezes) {
    steps.push(step(`freeze:${s.ref.kind}/${s.ref.name}`, { type: "freeze", ref: s.ref, hold: journalName(target) }, [], { kind: "annotation", ref: s.ref, key: FLUX_RECONCILE_ANNOTATION, value: FLUX_RECONCILE_DISABLED }, BACK));
  }
  steps.push(step("delete-old", { type: "delete", ref: target, propagation: "Orphan", uid: oldUid }, [{ kind: "present", ref: target, uid: oldUid }], { kind: "absent", ref: target, uid: oldUid }, BACK));
  if (desired === undefined) {
    steps.push(step("request-owner", { type: "request-reconcile", owner: input.owner! }, [{ kind: "absent", ref: target, uid: oldUid }], { kind: "present", ref: target, exceptUid: oldUid }, BACK));
  } else {
    steps.push(step("create-new", { type: "create", ref: target, body: "desired" }, [{ kind: "absent", ref: target, uid: oldUid }], { kind: "present", ref: target, exceptUid: oldUid }, BACK));
  }
  const healthy = step("wait-healthy", { type: "wait" }, [], { kind: "healthy", ref: target, exceptUid: oldUid }, { rollsBack: true, title: `wait until the new ${target.kind} is healthy (kstatus Current)` });
  if (desired !== undefined && live["kind"] === "StatefulSet" && claimTemplates(live) !== claimTemplates(desired)) {
    // kubernetes#141876: an adopted pod has no volume for a new claim template and the controller
    // retries its in-place update forever (the set is never healthy before this); each pod is
    // re-created, one at a time, each once the others are ready.
    const selector = workloadSelector(desired);
    const others = Math.max(0, replicasOf(desired) - 1);
    for (const pod of podsToRoll(live, desired, input.pods)) {
      steps.push(step(`roll:${pod.name}`, { type: "delete-pod", namespace: target.namespace, name: pod.name, uid: pod.uid },
        [{ kind: "ready-pods", namespace: target.namespace, selector, min: others }],
        { kind: "pod-renewed", namespace: target.namespace, name: pod.name, oldUid: pod.uid }, BACK));
    }
  }
  steps.push(healthy);
  for (const s of switches) {
    const held = freezes.includes(s) ? { hold: "switched" as const } : {};
    steps.push(step(`switch:${s.ref.kind}/${s.ref.name}`, { type: "switch-selector", ref: s.ref, path: s.path, form: s.form, to: s.to, ...held },
      [{ kind: "ready-pods", namespace: target.namespace, selector: s.to, min: minReady }],
      { kind: "selector", ref: s.ref, path: s.path, form: s.form, value: s.to }, BACK));
  }
  const oldSelector = workloadSelector(live);
  const newSelector = desired === undefined ? undefined : workloadSelector(desired);
  const selectorChanged = newSelector !== undefined && !sameLabels(oldSelector, newSelector);
  if (selectorChanged) {
    // The commit point: from here the old pods go. The drain lets kube-proxy on every node
    // stop sending to them first.
    steps.push(step("drain", { type: "wait" }, [], { kind: "elapsed", seconds: input.settings.drainSeconds }, { rollsBack: false, title: `drain: keep the old pods ${input.settings.drainSeconds} s after the switch` }));
    steps.push(step("delete-leftovers", { type: "delete-leftovers", namespace: target.namespace, selector: oldSelector, except: newSelector },
      [{ kind: "ready-pods", namespace: target.namespace, selector: newSelector, min: minReady }],
      { kind: "no-leftovers", namespace: target.namespace, selector: oldSelector, except: newSelector }, COMMITTED));
  } else {
    steps.push(step("verify-adopted", { type: "wait" }, [], { kind: "no-leftovers", namespace: target.namespace, selector: oldSelector, except: {} },
      { rollsBack: false, title: `verify the new ${target.kind} adopted every old pod (same selector: nothing left without an owner)` }));
  }
  for (const s of freezes) {
    steps.push(step(`unfreeze:${s.ref.kind}/${s.ref.name}`, { type: "unfreeze", ref: s.ref }, [], { kind: "annotation", ref: s.ref, key: FLUX_RECONCILE_ANNOTATION, value: null }, COMMITTED));
  }
  return steps;
}

/** The steps of recreate: delete (foreground: its dependents first), create, wait healthy. */
function recreateSteps(input: PlanInput, target: ReplaceRef, oldUid: string): Step[] {
  const create: StepAction = input.desired === undefined ? { type: "request-reconcile", owner: input.owner! } : { type: "create", ref: target, body: "desired" };
  return [
    step("delete-old", { type: "delete", ref: target, propagation: "Foreground", uid: oldUid }, [{ kind: "present", ref: target, uid: oldUid }], { kind: "absent", ref: target, uid: oldUid }, BACK),
    step(create.type === "create" ? "create-new" : "request-owner", create, [{ kind: "absent", ref: target, uid: oldUid }], { kind: "present", ref: target, exceptUid: oldUid }, BACK),
    step("wait-healthy", { type: "wait" }, [], { kind: "healthy", ref: target, exceptUid: oldUid }, { rollsBack: true, title: `wait until the new ${target.kind} is healthy (kstatus Current)` }),
  ];
}

/** Why the engine will not replace this object at all, or undefined. */
function refusalFor(input: PlanInput, target: ReplaceRef): Refusal | undefined {
  const { live, desired } = input;
  if (DATA_BEARING_KINDS.has(target.kind)) {
    return refusal(target, `${target.kind} is data-bearing: a re-creation loses its data, so gitops-guard never replaces one.`, migrationProcedure(target.kind, target.namespace, target.name));
  }
  if (metaString(live, "deletionTimestamp")) return refusal(target, "it is being deleted already.", ["Wait until it is gone, then let its owner create it again (or `kubectl create -f` the desired manifest)."]);
  if (desired === undefined && input.owner === undefined) {
    return refusal(target, "there is no desired object: no --desired file, no desired values in its marks, and no Flux owner to re-create it.", [
      "Give the desired manifest: `gitops-guard replace … --desired FILE` (kustomize build / flux build output is fine).",
    ]);
  }
  if (desired !== undefined && (desired["kind"] !== target.kind || metaString(desired, "name") !== target.name)) {
    return refusal(target, `the desired object is ${String(desired["kind"])} ${metaString(desired, "name") ?? "<unnamed>"}, not ${target.kind} ${target.name}.`, ["Give the manifest of this very object with --desired."]);
  }
  if (target.kind === "Job" && jobRunning(live) && input.settings.runningJobs === "leave") {
    return refusal(target, "the Job is still running, and the policy leaves running Jobs alone (replace.runningJobs: leave).", [
      "Wait until it completes (kubectl wait --for=condition=complete job/…), then run the replacement again.",
      "Or set replace.runningJobs: replace in the policy to stop it and start the new one.",
    ]);
  }
  return undefined;
}

/** Notes on the cut-over a person reads with the plan. */
function workloadNotes(input: PlanInput, asked: StrategyName, strategy: StrategyName, switches: readonly SelectorSwitch[]): string[] {
  const { live, desired } = input;
  const notes = switches.filter((s) => s.alreadyFrozen).map((s) => `${s.ref.kind} ${s.ref.name} is already frozen (kustomize.toolkit.fluxcd.io/reconcile: disabled): left as it is.`);
  if (asked === "orphan-recreate" && strategy === "blue-green") notes.push(`${switches.map((s) => `${s.ref.kind} ${s.ref.name}`).join(", ")} select(s) the pods through changed labels: blue-green cut-over.`);
  if (asked === "blue-green" && strategy === "orphan-recreate") notes.push("nothing selects the pods through changed labels: no cut-over needed.");
  if (desired === undefined) notes.push(`the new object is re-created by ${input.owner!.kind} ${input.owner!.namespace}/${input.owner!.name}; Services that select it are not switched (no desired labels known).`);
  if (desired !== undefined && metaValue(live, "labels", "kustomize.toolkit.fluxcd.io/name") !== undefined) notes.push("Flux applies this object: the same change must be in Git, or Flux's next apply brings the old spec back.");
  if (desired !== undefined && semanticEqual(getAt(live, ["spec"]), getAt(desired, ["spec"]))) notes.push("the desired spec equals the live one: the replacement only re-creates the object.");
  return notes;
}

/**
 * The plan for one replacement (issue 14 item 1), pure: data-bearing kinds are refused with
 * their migration procedure; a running Job is left alone unless the policy says otherwise;
 * workloads are replaced by orphan-recreate, or blue-green when a Service, PDB or
 * NetworkPolicy selects their pods through labels that change; everything else is recreated.
 */
export function planReplacement(input: PlanInput): ReplacementPlan {
  const { live, desired } = input;
  const target = refOf(live);
  const oldUid = metaString(live, "uid") ?? "";
  const refused = refusalFor(input, target);
  if (refused !== undefined) return refused;
  const asked = input.strategy ?? defaultStrategy(target.kind);
  if (!WORKLOAD_KINDS.has(target.kind) || asked === "recreate") {
    const notes = WORKLOAD_KINDS.has(target.kind) ? [`recreate deletes the pods of ${target.kind} ${target.name} before the new ones exist: downtime.`] : asked === "recreate" ? [] : [`${target.kind} has no pods to keep: recreate.`];
    return plan({ target, strategy: "recreate", desiredSource: input.desiredSource, oldUid, oldSelector: {}, newSelector: null, minReady: 0, switches: [], oldReplicaSets: [], steps: recreateSteps(input, target, oldUid), notes });
  }
  const switches = desired === undefined ? [] : selectorSwitches(live, desired, input.selecting, input.desiredOthers);
  const empty = switches.find((s) => Object.keys(s.to).length === 0);
  if (empty !== undefined) return refusal(target, `${empty.ref.kind} ${empty.ref.name} would select nothing after the change.`, ["Give its desired manifest in the same --desired file so its new selector is known."]);
  const strategy: StrategyName = switches.length > 0 ? "blue-green" : "orphan-recreate";
  const minReady = minReadyOf(desired ?? live);
  return plan({
    target, strategy, desiredSource: input.desiredSource, oldUid,
    oldSelector: workloadSelector(live), newSelector: desired === undefined ? null : workloadSelector(desired),
    minReady, switches, oldReplicaSets: input.oldReplicaSets, steps: workloadSteps(input, target, oldUid, switches, minReady), notes: workloadNotes(input, asked, strategy, switches),
  });
}
