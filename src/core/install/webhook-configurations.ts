import type { JsonObject } from "../k8s/json.ts";
import type { InstallOptions } from "./install-options.ts";
import { meta, SERVE_NAME, type InstallResource } from "./install-resource.ts";
import { SERVING_CERTIFICATE } from "./certificate-resources.ts";

/**
 * The webhook call's budget. Decisions take milliseconds (bench/README.md); 3 s caps the worst
 * case (Gatekeeper's validating default; newrelic/k8s-metadata-injection#179 went 30 → 3 s after
 * slow webhooks stalled GKE private clusters). The API server accepts 1 to 30.
 */
export const WEBHOOK_TIMEOUT_SECONDS = 3;

/** Namespaces never sent to the webhooks, besides the guard's own (webhook good practice: avoid kube-system; never mutate node Leases). */
export const ALWAYS_SKIPPED_NAMESPACES = ["kube-system", "kube-node-lease"] as const;

/** The label that exempts a namespace from both webhooks. */
export const EXEMPT_LABEL = "gitops-guard.io/exempt";

/**
 * CEL conditions both webhooks share. Node and CSR objects are cluster bootstrap (Kyverno's
 * excludeBootstrapResources: a cluster restarting without the guard must not wait on it); Leases
 * and Events change every few seconds and have no immutable fields.
 */
export const MATCH_CONDITIONS: readonly { readonly name: string; readonly expression: string }[] = [
  { name: "not-bootstrap", expression: "!(request.resource.group == '' && request.resource.resource == 'nodes') && !(request.resource.group == 'certificates.k8s.io')" },
  { name: "not-leases-or-events", expression: "!(request.resource.resource in ['leases', 'events'])" },
];

function namespaceSelector(ns: string): JsonObject {
  return {
    matchExpressions: [
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: [...ALWAYS_SKIPPED_NAMESPACES, ns] },
      { key: EXEMPT_LABEL, operator: "DoesNotExist" },
    ],
  };
}

function clientConfig(options: InstallOptions, path: string): JsonObject {
  const service = { name: SERVE_NAME, namespace: options.namespace, path, port: 443 };
  // With cert-manager, cainjector owns caBundle: a value here would be applied back over it on
  // every reconcile (server-side apply takes the field), so the key is left out.
  return options.certificates === "cert-manager" ? { service } : { service, caBundle: "" };
}

function common(options: InstallOptions, path: string): JsonObject {
  return {
    admissionReviewVersions: ["v1", "v1beta1"],
    sideEffects: "None",
    // Fail open: a safety net that is down must not lock the cluster (webhook good practice;
    // Gatekeeper and Pepr defaults). The policy's failureMode decides for errors inside serve.
    failurePolicy: "Ignore",
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    matchPolicy: "Equivalent",
    clientConfig: clientConfig(options, path),
    namespaceSelector: namespaceSelector(options.namespace),
  };
}

function annotations(options: InstallOptions): Record<string, string> | undefined {
  return options.certificates === "cert-manager" ? { "cert-manager.io/inject-ca-from": `${options.namespace}/${SERVING_CERTIFICATE}` } : undefined;
}

/** Both webhook configurations (applied last, deleted first: docs/install.md). */
export function webhookConfigurations(options: InstallOptions): InstallResource[] {
  const extra = annotations(options);
  const head = options.certificates === "cert-manager"
    ? "caBundle is injected by cert-manager's cainjector (cert-manager.io/inject-ca-from)."
    : "caBundle is set by `gitops-guard certs --inject FILE` (the CA that signed the serving certificate).";
  return [
    {
      file: "webhooks.yaml",
      comment: `${head} Both webhooks fail open and skip kube-system, kube-node-lease, ${options.namespace} and namespaces labelled ${EXEMPT_LABEL}.`,
      object: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "MutatingWebhookConfiguration",
        metadata: meta(SERVE_NAME, undefined, extra ? { annotations: extra } : {}),
        webhooks: [{
          name: "mutate.gitops-guard.io",
          ...common(options, "/mutate"),
          // Marks are idempotent: a reinvocation after another webhook's change gets the same answer.
          reinvocationPolicy: "IfNeeded",
          rules: [
            { operations: ["UPDATE"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: "*" },
            { operations: ["UPDATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods/resize", "pods/ephemeralcontainers"], scope: "Namespaced" },
            { operations: ["CREATE"], apiGroups: ["helm.toolkit.fluxcd.io"], apiVersions: ["*"], resources: ["helmreleases"], scope: "Namespaced" },
          ],
          matchConditions: MATCH_CONDITIONS.map((c) => ({ ...c })),
        }],
      },
      notes: [
        { path: ["webhooks", 0, "rules", 1], comment: "pods/resize and pods/ephemeralcontainers have update rules of their own (docs/policy-kubernetes.md); no other subresource is judged" },
        { path: ["webhooks", 0, "rules", 2], comment: "HelmRelease CREATE: the only CREATE sent, for recovery.helmRemediationDefault (docs/policy-recovery.md); allowed unchanged while that is off" },
      ],
    },
    {
      file: "webhooks.yaml",
      object: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingWebhookConfiguration",
        metadata: meta(SERVE_NAME, undefined, extra ? { annotations: extra } : {}),
        webhooks: [{
          name: "validate.gitops-guard.io",
          ...common(options, "/validate"),
          rules: [{ operations: ["UPDATE", "DELETE"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"], scope: "*" }],
          matchConditions: MATCH_CONDITIONS.map((c) => ({ ...c })),
        }],
      },
    },
  ];
}
