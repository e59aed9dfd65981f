import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

const selectorRequirement = z.object({
  key: z.string(),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
  values: z.array(z.string()).optional(),
});

const labelSelector = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(selectorRequirement).optional(),
});

const ruleWithOperations = z.object({
  operations: z.array(z.enum(["CREATE", "UPDATE", "DELETE", "CONNECT", "*"])),
  apiGroups: z.array(z.string()),
  apiVersions: z.array(z.string()),
  resources: z.array(z.string()),
  scope: z.enum(["Cluster", "Namespaced", "*"]).default("*"),
});

const webhook = z.object({
  name: z.string(),
  admissionReviewVersions: z.array(z.string()),
  sideEffects: z.string(),
  // admissionregistration/v1 defaults: failurePolicy Fail, timeoutSeconds 10, reinvocationPolicy Never.
  failurePolicy: z.enum(["Ignore", "Fail"]).default("Fail"),
  timeoutSeconds: z.number().int().min(1).max(30).default(10),
  reinvocationPolicy: z.enum(["Never", "IfNeeded"]).default("Never"),
  clientConfig: z.object({ service: z.object({ path: z.string().default("/") }).loose() }).loose(),
  namespaceSelector: labelSelector.optional(),
  rules: z.array(ruleWithOperations),
  matchConditions: z.array(z.object({ name: z.string(), expression: z.string() })).optional(),
}).loose();

const configuration = z.object({
  apiVersion: z.literal("admissionregistration.k8s.io/v1"),
  kind: z.enum(["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
  metadata: z.object({ name: z.string() }).loose(),
  webhooks: z.array(webhook),
});

/** One webhook of a Mutating/ValidatingWebhookConfiguration, with the API defaults filled in. */
export type WebhookSpec = z.infer<typeof webhook>;
/** A namespaceSelector / objectSelector. */
export type WebhookLabelSelector = z.infer<typeof labelSelector>;

/** The webhooks a cluster would call, split by kind, each list in kube-apiserver's calling order. */
export interface WebhookConfigurations {
  readonly mutating: readonly WebhookSpec[];
  readonly validating: readonly WebhookSpec[];
}

/** manifests/base/webhooks.yaml: the configuration gitops-guard ships. */
export const SHIPPED_WEBHOOKS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "manifests", "base", "webhooks.yaml");

/**
 * Reads Mutating/ValidatingWebhookConfigurations from YAML files (default: the shipped one), so
 * the simulated API server calls gitops-guard with the names, paths, rules, namespaceSelector,
 * failurePolicy, timeout and sideEffects a real cluster would use. kube-apiserver orders mutating
 * webhooks by configuration name, then by position; validating webhooks run in parallel.
 */
export function readWebhookConfigurations(files: readonly string[] = [SHIPPED_WEBHOOKS]): WebhookConfigurations {
  const configurations = files
    .flatMap((file) => parseAllDocuments(readFileSync(file, "utf8")))
    .map((doc): unknown => doc.toJSON())
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc) => configuration.parse(doc))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return {
    mutating: configurations.filter((c) => c.kind === "MutatingWebhookConfiguration").flatMap((c) => c.webhooks),
    validating: configurations.filter((c) => c.kind === "ValidatingWebhookConfiguration").flatMap((c) => c.webhooks),
  };
}
