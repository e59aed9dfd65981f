import type { WriteRequest } from "../kube-apiserver/write-hooks.ts";
import type { WebhookLabelSelector, WebhookSpec } from "./webhook-configurations.ts";

function listed(entries: readonly string[], value: string): boolean {
  return entries.includes("*") || entries.includes(value);
}

/** rules[].resources: "*" = every resource (not subresources), "*\/*" = everything, "pods/status", "*\/scale". */
function resourceListed(entries: readonly string[], plural: string, subresource: string): boolean {
  if (subresource === "") return entries.includes("*") || entries.includes(plural);
  return entries.some((e) => e === "*/*" || e === `${plural}/${subresource}` || e === `*/${subresource}` || e === `${plural}/*`);
}

function selects(selector: WebhookLabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return pairs && (selector.matchExpressions ?? []).every((req) => {
    const present = labels[req.key] !== undefined;
    const values = req.values ?? [];
    if (req.operator === "In") return present && values.includes(labels[req.key]!);
    if (req.operator === "NotIn") return !present || !values.includes(labels[req.key]!);
    return req.operator === "Exists" ? present : !present;
  });
}

/**
 * Whether kube-apiserver would call this webhook for the write: a rule matches operation, group,
 * version, resource (and subresource) and scope, and the namespace's labels satisfy the
 * namespaceSelector (cluster-scoped objects are never skipped by it). `namespaceLabels` must
 * include `kubernetes.io/metadata.name`, which the API server puts on every namespace.
 * matchConditions (CEL) are not evaluated: the shipped ones only exclude nodes, CSRs, leases and
 * events, which the stories never write.
 */
export function webhookMatches(spec: WebhookSpec, write: WriteRequest, namespaceLabels: Readonly<Record<string, string>>): boolean {
  const { resource } = write;
  const ruleMatches = spec.rules.some((rule) =>
    (rule.operations.includes("*") || rule.operations.includes(write.operation))
    && listed(rule.apiGroups, resource.group)
    && listed(rule.apiVersions, resource.version)
    && resourceListed(rule.resources, resource.plural, write.subresource)
    && (rule.scope === "*" || (rule.scope === "Namespaced") === resource.namespaced));
  if (!ruleMatches) return false;
  return !resource.namespaced || selects(spec.namespaceSelector, namespaceLabels);
}
