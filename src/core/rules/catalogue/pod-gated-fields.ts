import type { PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, isNil, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { GateName } from "../../kube/feature-gates.ts";
import { gateEnabled, type KubeTarget } from "../../kube/kube-target.ts";

/**
 * Pod spec fields added in v1.34–v1.37 behind a feature gate (reference/k8s-immutability-1.34-plus.md
 * §2.1, kubernetes/api@10b39a39:core/v1/types.go). With the gate on they fall under the generic
 * "pod updates may not change fields other than …" rule like any other field; with it off the API
 * server drops them from an update unless the stored pod already uses them (dropDisabledPodFields,
 * pkg/api/pod/util.go), so setting one is no change at all. Paths are relative to `spec`.
 */
export const POD_GATED_FIELDS: readonly { readonly gate: GateName; readonly paths: readonly (readonly PathSegment[])[] }[] = [
  { gate: "HostnameOverride", paths: [["hostnameOverride"]] },
  {
    gate: "ContainerRestartRules",
    // An init container's restartPolicy (Always: a sidecar) is older (SidecarContainers, GA v1.33) and not gated.
    paths: [["containers", "*", "restartPolicy"], ["containers", "*", "restartPolicyRules"], ["initContainers", "*", "restartPolicyRules"]],
  },
  {
    gate: "EnvFiles",
    paths: [["containers", "*", "env", "*", "valueFrom", "fileKeyRef"], ["initContainers", "*", "env", "*", "valueFrom", "fileKeyRef"]],
  },
  { gate: "PodCertificateRequest", paths: [["volumes", "*", "projected", "sources", "*", "podCertificate"]] },
  { gate: "GenericWorkload", paths: [["schedulingGroup"]] },
  { gate: "EvictionRequestAPI", paths: [["evictionResponders"]] },
];

/** True when some value is set at `pattern` ("*" = every index of a list). */
function usesPath(value: JsonValue | undefined, pattern: readonly PathSegment[]): boolean {
  if (pattern.length === 0) return !isNil(value);
  const [head, ...rest] = pattern;
  if (head === "*") return Array.isArray(value) && value.some((item) => usesPath(item, rest));
  return isJsonObject(value) && head !== undefined && Object.hasOwn(value, head) && usesPath(value[String(head)], rest);
}

/** A copy of `value` without anything at `pattern`. */
function withoutPath(value: JsonValue | undefined, pattern: readonly PathSegment[]): JsonValue | undefined {
  const [head, ...rest] = pattern;
  if (head === undefined) return undefined;
  if (head === "*") return Array.isArray(value) ? value.map((item) => withoutPath(item, rest) ?? null) : value;
  if (!isJsonObject(value) || !Object.hasOwn(value, head)) return value;
  const key = String(head);
  const out: JsonObject = { ...value };
  const child = rest.length === 0 ? undefined : withoutPath(value[key], rest);
  if (child === undefined) delete out[key];
  else out[key] = child;
  return out;
}

/**
 * The new spec as the API server keeps it: fields of gates that are off in the target, and unused
 * in the stored spec, dropped. Without a target (a catalogue not built by catalogueFor) nothing is
 * dropped: every field is judged.
 */
export function withoutDisabledPodFields(oldSpec: JsonObject, newSpec: JsonObject, kube: KubeTarget | undefined): JsonObject {
  if (!kube) return newSpec;
  let out: JsonValue | undefined = newSpec;
  for (const { gate, paths } of POD_GATED_FIELDS) {
    if (gateEnabled(kube, gate) || paths.some((path) => usesPath(oldSpec, path))) continue;
    for (const path of paths) out = withoutPath(out, path);
  }
  return isJsonObject(out) ? out : newSpec;
}
