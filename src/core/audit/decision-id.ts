/**
 * The join between a decision record and kube-apiserver's audit event of the same request.
 *
 * `serve` writes a short id into the record (`decisionId`) and into its AdmissionResponse
 * `auditAnnotations` under DECISION_ID_KEY; kube-apiserver stores audit annotations as
 * `<webhook name>/<key>` (mutating/validating dispatcher, reference/audit-and-ci-outputs.md §1.2),
 * so the event carries `mutate.gitops-guard.io/decision-id`. The whole key must be a Kubernetes
 * qualified name (one `/`, name part ≤ 63 characters) or the API server drops it silently.
 */
export const DECISION_ID_KEY = "decision-id";

/**
 * Whether a webhook call's uid serves as its decision id: a plain token of at most 128
 * characters (kube-apiserver's are UUIDs). A hostile or odd uid is not copied into the API
 * server's audit log.
 */
export function isDecisionId(uid: string): boolean {
  return /^[A-Za-z0-9][-A-Za-z0-9_.]{0,127}$/.test(uid);
}

/**
 * Also read as ours: `gitops-guard.io/decision-id`, for a webhook (or a ValidatingAdmissionPolicy)
 * named plainly `gitops-guard.io`. The usual names are the manifests' `mutate.gitops-guard.io` and
 * `validate.gitops-guard.io` (`audit --webhook-name` for others).
 */
export const DECISION_ID_PREFIX = "gitops-guard.io";

/** `[prefix/]name`: prefix a DNS subdomain (≤ 253), name ≤ 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apimachinery validation.IsQualifiedName, as checkKeyFormat (admission/attributes.go) applies it. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_PART.test(name);
}

/** The audit-event annotation key a webhook's audit annotation becomes (and whether the API server keeps it). */
export function auditAnnotationKey(webhookName: string, key: string): { readonly key: string; readonly valid: boolean } {
  const full = `${webhookName}/${key}`;
  return { key: full, valid: key.split("/").length === 1 && isQualifiedName(full) };
}
