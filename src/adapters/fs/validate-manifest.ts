import { z } from "zod";
import { formatFieldPath, getAt, type PathSegment } from "../../core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { groupOf, kubeObjectSchema, objectMetaSchema } from "../../core/k8s/kube-object.ts";

/** What check needs of every object: apiVersion, kind and a name (kube-object.ts, name required). */
const manifestObjectSchema = kubeObjectSchema.extend({
  metadata: objectMetaSchema.extend({ name: z.string().min(1) }),
});

/** `kind: List` (kubectl get -o yaml) and typed lists (`DeploymentList`) carry objects in `items`. */
const listSchema = z.object({ apiVersion: z.string().min(1), kind: z.string(), items: z.array(z.unknown()) }).loose();

/** A validated object; the raw JSON is kept exactly as written (never re-serialised). */
export interface ValidObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly object: JsonObject;
  /** 0-based position in the List's items; absent for a plain document. */
  readonly item?: number;
}

export type ValidationResult =
  | { readonly ok: true; readonly objects: readonly ValidObject[] }
  | { readonly ok: false; readonly message: string; readonly item?: number };

function kindOfValue(value: unknown): string {
  if (Array.isArray(value)) return "a sequence";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

function describeIssues(value: JsonObject, issues: readonly z.core.$ZodIssue[]): string {
  const described = issues.slice(0, 3).map((issue) => {
    const path: PathSegment[] = issue.path.filter((p): p is string | number => typeof p === "string" || typeof p === "number");
    const shown = formatFieldPath(path);
    // A missing metadata says less than the field people have to add.
    if (shown === "metadata" && getAt(value, path) === undefined) return "metadata.name is missing";
    return getAt(value, path) === undefined ? `${shown} is missing` : `${shown}: ${issue.message}`;
  });
  return described.join("; ");
}

function hint(value: JsonObject): string {
  const apiVersion = value["apiVersion"];
  if (value["kind"] === "Kustomization" && typeof apiVersion === "string" && groupOf(apiVersion) === "kustomize.config.k8s.io") {
    return " (this is a kustomization file: check the output of `kustomize build`, not its input)";
  }
  return "";
}

function validateObject(value: unknown, item?: number): { ok: true; object: ValidObject } | { ok: false; message: string } {
  if (!isJsonObject(value)) return { ok: false, message: `not a Kubernetes object: the document is ${kindOfValue(value)}, not a mapping` };
  const parsed = manifestObjectSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, message: `not a Kubernetes object: ${describeIssues(value, parsed.error.issues)}${hint(value)}` };
  }
  const { apiVersion, kind, metadata } = parsed.data;
  const namespace = metadata.namespace === undefined || metadata.namespace === "" ? undefined : metadata.namespace;
  return { ok: true, object: { apiVersion, kind, name: metadata.name, namespace, object: value, ...(item === undefined ? {} : { item }) } };
}

function isList(value: JsonObject): boolean {
  const kind = value["kind"];
  return kind === "List" || (typeof kind === "string" && kind.endsWith("List") && Array.isArray(value["items"]));
}

/**
 * Validates one parsed document (zod, at the edge) and unpacks List documents into their items.
 * An empty List yields no objects; a bad item fails the whole document, naming the item.
 */
export function validateManifest(value: unknown): ValidationResult {
  if (!isJsonObject(value) || !isList(value)) {
    const result = validateObject(value);
    return result.ok ? { ok: true, objects: [result.object] } : result;
  }
  const list = listSchema.safeParse(value);
  if (!list.success) return { ok: false, message: `not a valid List: ${describeIssues(value, list.error.issues)}` };
  const objects: ValidObject[] = [];
  for (const [i, item] of list.data.items.entries()) {
    const result = validateObject(item, i);
    if (!result.ok) return { ok: false, message: result.message, item: i };
    objects.push(result.object);
  }
  return { ok: true, objects };
}
