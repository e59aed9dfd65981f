import type { ResourceSpec } from "../kube-apiserver/resource-type.ts";

/** apiVersion and kind of an object the controllers read or write. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export const POD: KindRef = { apiVersion: "v1", kind: "Pod" };
export const NODE: KindRef = { apiVersion: "v1", kind: "Node" };
export const SERVICE: KindRef = { apiVersion: "v1", kind: "Service" };
export const PVC: KindRef = { apiVersion: "v1", kind: "PersistentVolumeClaim" };
export const EVENT: KindRef = { apiVersion: "v1", kind: "Event" };
export const DEPLOYMENT: KindRef = { apiVersion: "apps/v1", kind: "Deployment" };
export const REPLICA_SET: KindRef = { apiVersion: "apps/v1", kind: "ReplicaSet" };
export const STATEFUL_SET: KindRef = { apiVersion: "apps/v1", kind: "StatefulSet" };
export const DAEMON_SET: KindRef = { apiVersion: "apps/v1", kind: "DaemonSet" };
export const CONTROLLER_REVISION: KindRef = { apiVersion: "apps/v1", kind: "ControllerRevision" };
export const JOB: KindRef = { apiVersion: "batch/v1", kind: "Job" };
export const ENDPOINT_SLICE: KindRef = { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice" };
export const PDB: KindRef = { apiVersion: "policy/v1", kind: "PodDisruptionBudget" };

/**
 * Resources the controllers need that the simulated API server does not serve by default
 * (builtin-resources.ts): Nodes, EndpointSlices, ControllerRevisions, PodDisruptionBudgets.
 */
export const CONTROLLER_RESOURCES: readonly ResourceSpec[] = [
  { group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false, shortNames: ["no"], statusSubresource: true },
  { group: "discovery.k8s.io", version: "v1", plural: "endpointslices", kind: "EndpointSlice", namespaced: true },
  { group: "apps", version: "v1", plural: "controllerrevisions", kind: "ControllerRevision", namespaced: true },
  { group: "policy", version: "v1", plural: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, shortNames: ["pdb"], statusSubresource: true, tracksGeneration: true },
];
