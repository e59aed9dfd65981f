import { WORKLOAD_KINDS } from "./kind-traits.ts";
import type { Plan } from "./replace-plan.ts";
import { describeAction, type Step, type StepAction } from "./replace-step.ts";
import type { Condition } from "./condition.ts";
import { FLUX_RECONCILE_ANNOTATION } from "./selector-switch.ts";

function step(id: string, action: StepAction, preconditions: readonly Condition[], verification: Condition, title?: string): Step {
  return { id, title: title ?? describeAction(action), action, preconditions, verification, rollsBack: false };
}

/**
 * The way back from the journal (issue 14 item 3), pure and the same whatever step failed:
 * every step is a no-op where its verification already holds. Selectors go back first (the old
 * pods still serve: they are deleted only past the commit point), then the new object goes
 * (Orphan for workloads: it may have adopted the old pods) with the new generation's leftovers,
 * the old object is created again from the journal and re-adopts its orphaned pods, and the
 * freeze is lifted. A selector restored ends its hold in the same patch; one never switched keeps
 * it until the unfreeze removes it with the freeze.
 */
export function rollbackSteps(p: Plan): Step[] {
  const { target, oldUid } = p;
  const steps: Step[] = [];
  const held = (s: Plan["switches"][number]): boolean => s.fluxManaged && !s.alreadyFrozen;
  for (const s of p.switches) {
    // The hold ends in the same patch: the webhook would keep the switched selector otherwise.
    const release = held(s) ? { hold: "release" as const } : {};
    steps.push(step(`restore:${s.ref.kind}/${s.ref.name}`, { type: "switch-selector", ref: s.ref, path: s.path, form: s.form, to: s.from, ...release },
      [], { kind: "selector", ref: s.ref, path: s.path, form: s.form, value: s.from }, `restore the selector of ${s.ref.kind} ${s.ref.name}`));
  }
  const workload = WORKLOAD_KINDS.has(target.kind);
  steps.push(step("delete-new", { type: "delete", ref: target, propagation: workload ? "Orphan" : "Foreground", exceptUid: oldUid }, [], { kind: "absent", ref: target, exceptUid: oldUid }));
  if (target.kind === "Deployment" && p.newSelector !== null) {
    // Before the old Deployment returns: its selector may match the new ReplicaSets, and it would
    // adopt them. The old generation (journaled by uid) is never touched: its pods serve.
    steps.push(step("delete-new-generation", { type: "delete-generation", namespace: target.namespace, selector: p.newSelector, keep: p.oldReplicaSets }, [],
      { kind: "generation-gone", namespace: target.namespace, selector: p.newSelector, keep: p.oldReplicaSets }));
  }
  steps.push(step("create-old", { type: "create", ref: target, body: "old" }, [], { kind: "present", ref: target }));
  steps.push(step("wait-old-healthy", { type: "wait" }, [], { kind: "healthy", ref: target }, `wait until the re-created ${target.kind} is healthy`));
  for (const s of p.switches.filter(held)) {
    steps.push(step(`unfreeze:${s.ref.kind}/${s.ref.name}`, { type: "unfreeze", ref: s.ref }, [], { kind: "annotation", ref: s.ref, key: FLUX_RECONCILE_ANNOTATION, value: null }));
  }
  return steps;
}
