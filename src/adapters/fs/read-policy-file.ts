import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { AppError } from "../../errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../core/k8s/json.ts";
import { parsePolicy, type LoadedPolicy, type PolicyIssue } from "../../core/policy/parse-policy.ts";

/** The ConfigMap data key that holds the policy document. */
export const POLICY_CONFIGMAP_KEY = "policy.yaml";

export type PolicyTextResult =
  | { readonly ok: true; readonly value: LoadedPolicy }
  | { readonly ok: false; readonly issues: readonly PolicyIssue[] };

/**
 * Parses policy text: the policy YAML itself, or a whole ConfigMap manifest whose
 * `data["policy.yaml"]` holds it. Every problem is returned with its path.
 */
export function parsePolicyText(text: string): PolicyTextResult {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, issues: doc.errors.map((e) => ({ path: "", message: `not YAML: ${e.message.split("\n")[0]}` })) };
  }
  const value = doc.toJSON() as JsonValue;
  if (isJsonObject(value) && value["kind"] === "ConfigMap") return policyFromConfigMap(value);
  return parsePolicy(value);
}

/**
 * The policy a ConfigMap holds under `data["policy.yaml"]` (a manifest given to `policy validate`
 * or `--policy-file`, or the watched ConfigMap); issues carry their path from the ConfigMap.
 */
export function policyFromConfigMap(configMap: JsonObject): PolicyTextResult {
  const data = configMap["data"];
  const inner = isJsonObject(data) ? data[POLICY_CONFIGMAP_KEY] : undefined;
  if (typeof inner !== "string") {
    return { ok: false, issues: [{ path: `data.${POLICY_CONFIGMAP_KEY}`, message: "the ConfigMap has no policy.yaml key" }] };
  }
  const result = parsePolicyText(inner);
  return result.ok
    ? result
    : { ok: false, issues: result.issues.map((i) => ({ path: `data.${POLICY_CONFIGMAP_KEY}${i.path ? `.${i.path}` : ""}`, message: i.message })) };
}

/** Reads and validates a policy file; throws ERR_POLICY_INVALID naming every problem. */
export async function readPolicyFile(path: string): Promise<LoadedPolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot read policy file ${path}: ${(cause as Error).message}`, { cause });
  }
  const result = parsePolicyText(text);
  if (!result.ok) {
    const lines = result.issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`);
    throw new AppError("ERR_POLICY_INVALID", `invalid policy ${path}:\n${lines.join("\n")}`);
  }
  return result.value;
}
