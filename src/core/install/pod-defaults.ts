import type { JsonObject } from "../k8s/json.ts";

/** The Pod Security Standards' "restricted" profile, pod level. */
export function restrictedPodSecurity(): JsonObject {
  return { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
}

/** The Pod Security Standards' "restricted" profile, container level, plus a read-only root. */
export function restrictedContainerSecurity(): JsonObject {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
}

/** Replicas on different nodes when the cluster has them (ScheduleAnyway: a one-node cluster still runs them). */
export function spreadAcrossNodes(selector: Record<string, string>): JsonObject[] {
  return [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...selector } } }];
}
