import * as clientNode from "@kubernetes/client-node";
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

/** A model class of @kubernetes/client-node: its generated attribute table names every field the API knows. */
interface ClientNodeModel {
  getAttributeTypeMap(): readonly { readonly baseName: string; readonly type: string }[];
}

function clientNodeModel(type: string): ClientNodeModel | undefined {
  const value: unknown = Reflect.get(clientNode, type);
  return typeof value === "function" && typeof Reflect.get(value, "getAttributeTypeMap") === "function" ? (value as unknown as ClientNodeModel) : undefined;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  const array = ARRAY.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1]!, `${path}[${i}]`, out));
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) unknownFields(item, map[1]!, `${path}.${key}`, out);
    return;
  }
  const model = clientNodeModel(type);
  if (!model || value === null || typeof value !== "object" || Array.isArray(value)) return;
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type] as const));
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields.get(key);
    if (fieldType === undefined) out.push(`${path === "" ? "" : `${path}.`}${key}: unknown field (${type})`);
    else unknownFields(item, fieldType, path === "" ? key : `${path}.${key}`, out);
  }
}

/**
 * Fields the API does not know, which `kubectl apply` (field validation Strict by default) refuses
 * and the OpenAPI schema above lets through (it does not forbid extra properties). Read from
 * @kubernetes/client-node's generated models (`V1<Kind>` and their attribute tables), so a
 * misspelt field is caught; custom resources (cert-manager, Prometheus Operator) are left to their schemas.
 */
export function unknownFieldProblems(object: { readonly apiVersion?: unknown; readonly kind?: unknown }): string[] {
  const apiVersion = String(object.apiVersion);
  const builtin = !apiVersion.includes(".") || apiVersion.includes(".k8s.io/");
  if (!builtin) return [];
  const type = `V1${String(object.kind)}`;
  if (!clientNodeModel(type)) throw new Error(`no client-node model ${type}`);
  const out: string[] = [];
  unknownFields(object, type, "", out);
  return out;
}
