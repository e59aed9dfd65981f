import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf } from "../../../src/core/impact/cascade/label-selector.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { isDeleting, meta, objectField, objectsField, stringField } from "./json-fields.ts";
import { NODE, POD } from "./kinds.ts";
import { podPhase } from "./pod-conditions.ts";
import { setCondition } from "./set-condition.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

/** The node names a pod's required node affinity allows via `matchFields metadata.name In` (DaemonSet pods), or undefined. */
function affinityNodes(pod: JsonObject): string[] | undefined {
  const required = objectField(objectField(objectField(objectField(pod, "spec"), "affinity"), "nodeAffinity"), "requiredDuringSchedulingIgnoredDuringExecution");
  const names = objectsField(required, "nodeSelectorTerms").flatMap((term) => objectsField(term, "matchFields"))
    .filter((f) => f["key"] === "metadata.name" && f["operator"] === "In")
    .flatMap((f) => (Array.isArray(f["values"]) ? f["values"].filter((v): v is string => typeof v === "string") : []));
  return names.length > 0 ? names : undefined;
}

function isNodeReady(node: JsonObject): boolean {
  const ready = objectsField(objectField(node, "status"), "conditions").find((c) => c["type"] === "Ready");
  return ready?.["status"] === "True" && objectField(node, "spec")["unschedulable"] !== true;
}

/** Nodes the pod may go to: Ready, schedulable, matching spec.nodeSelector and the name affinity. */
function feasibleNodes(pod: JsonObject, nodes: readonly JsonObject[]): JsonObject[] {
  const selector = labelsOf(objectField(pod, "spec")["nodeSelector"]);
  const allowed = affinityNodes(pod);
  return nodes.filter((node) => isNodeReady(node)
    && [...selector].every(([k, v]) => labelsOf(objectField(node, "metadata")["labels"]).get(k) === v)
    && (allowed === undefined || allowed.includes(meta(node, "name"))));
}

async function bind(ctx: ControllerContext, pod: JsonObject, node: string): Promise<void> {
  const ref = refOf(POD, pod);
  // The binding subresource sets spec.nodeName once; a pod already bound is left alone.
  const bound = await tolerateRace(ctx.api.update(ref, (current) => (stringField(objectField(current, "spec"), "nodeName") !== "" ? undefined
    : { ...current, spec: { ...objectField(current, "spec"), nodeName: node } })), (e) => ctx.report(e));
  if (!bound) return;
  await tolerateRace(ctx.api.update(ref, (current) => {
    const status = objectField(current, "status");
    return { ...current, status: { ...status, conditions: setCondition(status, { type: "PodScheduled", status: "True", reason: "", message: "" }, { now: ctx.api.now() }) } };
  }, "status"), (e) => ctx.report(e));
  await ctx.event(pod, "Normal", "Scheduled", `Successfully assigned ${meta(pod, "namespace")}/${meta(pod, "name")} to ${node}`);
}

async function markUnschedulable(ctx: ControllerContext, pod: JsonObject, nodeCount: number): Promise<void> {
  const message = `0/${nodeCount} nodes are available: ${nodeCount === 0 ? "no nodes registered" : "none matches the pod's node selector or affinity"}.`;
  await tolerateRace(ctx.api.update(refOf(POD, pod), (current) => {
    const status = objectField(current, "status");
    return { ...current, status: { ...status, conditions: setCondition(status, { type: "PodScheduled", status: "False", reason: "Unschedulable", message }, { now: ctx.api.now() }) } };
  }, "status"), (e) => ctx.report(e));
}

/**
 * A simulated kube-scheduler: binds each pending, unbound pod to the feasible node (Ready,
 * schedulable, spec.nodeSelector, a DaemonSet pod's metadata.name affinity) running the fewest
 * non-terminal pods (ties by name), and marks pods no node fits PodScheduled=False Unschedulable.
 * No resources, taints, topology spread or preemption.
 */
export function createScheduler(): SimController {
  return {
    name: "default-scheduler",
    async sync(ctx) {
      const nodes = ctx.api.list(NODE);
      const pods = ctx.api.list(POD);
      const load = new Map(nodes.map((n) => [meta(n, "name"), 0]));
      for (const pod of pods) {
        const node = stringField(objectField(pod, "spec"), "nodeName");
        if (node !== "" && podPhase(pod) !== "Succeeded" && podPhase(pod) !== "Failed") load.set(node, (load.get(node) ?? 0) + 1);
      }
      for (const pod of pods) {
        if (stringField(objectField(pod, "spec"), "nodeName") !== "" || isDeleting(pod)) continue;
        const fits = feasibleNodes(pod, nodes).map((n) => meta(n, "name")).sort((a, b) => (load.get(a)! - load.get(b)!) || a.localeCompare(b));
        const chosen = fits[0];
        if (chosen === undefined) {
          await markUnschedulable(ctx, pod, nodes.length);
          continue;
        }
        load.set(chosen, load.get(chosen)! + 1);
        await bind(ctx, pod, chosen);
      }
    },
  };
}

/** A Ready Node object named `name` (what the driver registers for each simulated node). */
export function readyNode(name: string, now: Date): JsonObject {
  const stamp = kubeTimestamp(now);
  return {
    apiVersion: "v1", kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux" } },
    spec: {},
    status: {
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: stamp, lastTransitionTime: stamp }],
    },
  };
}
