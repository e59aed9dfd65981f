import * as admissionV1 from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as coreV1 from "kubernetes-models/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as certManagerV1 from "@kubernetes-models/cert-manager/cert-manager.io/v1";
import * as monitoringV1 from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";

/**
 * Validation against the Kubernetes OpenAPI schemas (kubernetes-models, generated from the
 * API's own OpenAPI document; admissionregistration/v1 carries MutatingAdmissionPolicy, GA in
 * 1.36) and the cert-manager and Prometheus Operator CRD schemas. No schema is written by hand:
 * each model class validates with the JSON Schema compiled from the upstream document.
 */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: object): { validate(): void };
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === "function" && typeof Reflect.get(value, "apiVersion") === "string" && typeof Reflect.get(value, "kind") === "string";
}

function index(modules: readonly object[]): Map<string, ModelClass> {
  const out = new Map<string, ModelClass>();
  for (const module of modules) for (const value of Object.values(module)) if (isModelClass(value)) out.set(`${value.apiVersion}/${value.kind}`, value);
  return out;
}

const MODELS = index([admissionV1, appsV1, coreV1, networkingV1, policyV1, rbacV1, certManagerV1, monitoringV1]);

/** The schema's complaint about an object, or undefined when it validates; throws for a kind no schema covers. */
export function schemaProblem(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): string | undefined {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const Model = MODELS.get(key);
  if (!Model) throw new Error(`no OpenAPI schema for ${key}: add its models to test/support/kube-schemas.ts`);
  try {
    new Model(object).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
