import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";
import { podSpecDefaults } from "./pod-spec-defaults.ts";

function byName(pod: JsonObject): Map<string, { index: number; container: JsonValue }> {
  const out = new Map<string, { index: number; container: JsonValue }>();
  // Defaulted like the stored pod's (terminationMessagePath, …): a manifest that omits them is no change.
  const list = getAt(podSpecDefaults(getAt(pod, ["spec"]), "pod"), ["ephemeralContainers"]);
  if (!Array.isArray(list)) return out;
  list.forEach((container, index) => {
    if (isJsonObject(container) && typeof container["name"] === "string") out.set(container["name"], { index, container });
  });
  return out;
}

/**
 * `pods/ephemeralcontainers` (ValidatePodEphemeralContainersUpdate, pkg/apis/core/validation):
 * ephemeral containers may be added, never changed or removed; matched by name. The subresource's
 * strategy keeps only the ephemeral containers of the request, so nothing else is judged.
 */
export function ephemeralContainersOnlyAdded(input: RuleInput, rule: CompiledRule): Violation[] {
  const before = byName(input.old);
  const after = byName(input.new);
  const out: Violation[] = [];
  for (const [name, { index, container }] of before) {
    const now = after.get(name);
    // Shown as written: the raw containers, not the defaulted ones compared.
    const from = getAt(input.old, [...rule.root, index]);
    if (!now) {
      out.push({ path: [...rule.root, index], from, to: undefined, detail: `the existing ephemeral container "${name}" may not be removed` });
    } else if (!semanticEqual(container, now.container)) {
      const path = [...rule.root, now.index];
      out.push({ path, from, to: getAt(input.new, path), detail: `the existing ephemeral container "${name}" may not be changed` });
    }
  }
  return out;
}
