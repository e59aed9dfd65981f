import { stringify } from "yaml";
import type { Policy } from "../../core/policy/policy-schema.ts";
import type { Suggestion } from "../../core/audit/suggest-policy.ts";
import { POLICY_CONFIGMAP_KEY } from "../fs/read-policy-file.ts";

/** Where the policy ConfigMap lives (serve --policy-configmap NAMESPACE/NAME; manifests/base default). */
export interface ConfigMapRef {
  readonly namespace: string;
  readonly name: string;
}

export const DEFAULT_POLICY_CONFIGMAP: ConfigMapRef = { namespace: "gitops-guard", name: "gitops-guard-policy" };

/** A comment line: no newline or control character from the evidence can end the comment early. */
function comment(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return `# ${text.replace(/[\u0000-\u001f\u007f]+/g, " ")}`;
}

/**
 * The policy ConfigMap with the suggested overrides prepended (first match wins), the reasoning as
 * comments on top. `kubectl apply -f` it, or `kubectl patch configmap … --patch-file` (the
 * policy.yaml key is replaced whole); `gitops-guard policy validate` accepts it as it is.
 */
export function policyConfigMapPatch(policy: Policy, suggestions: readonly Suggestion[], ref: ConfigMapRef): string {
  const changing = suggestions.filter((s) => s.override);
  const header = [
    comment(`gitops-guard audit --suggest-policy: ${changing.length} change(s) to the policy, ${suggestions.length - changing.length} advisory note(s).`),
    comment("Review each, then: gitops-guard policy validate THIS_FILE && kubectl apply -f THIS_FILE"),
    ...suggestions.flatMap((s, i) => [
      comment(`${i + 1}. [${s.override ? `override ${s.override.name ?? ""}` : "advisory, no change"}] ${s.title}`),
      comment(`   ${s.reasoning}`),
    ]),
  ];
  const manifest = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: ref.name, namespace: ref.namespace },
    data: { [POLICY_CONFIGMAP_KEY]: stringify(policy, { lineWidth: 0 }) },
  };
  return `${header.join("\n")}\n${stringify(manifest, { lineWidth: 0 })}`;
}
