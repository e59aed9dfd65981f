import { z } from "zod";
import { isJsonObject, ownValue, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { MAX_JUDGED_DEPTH } from "../../k8s/nesting-depth.ts";

/** One `x-kubernetes-validations` entry (apiextensions.k8s.io/v1 ValidationRule). */
const validationRuleSchema = z.object({
  rule: z.string(),
  message: z.string().optional(),
  messageExpression: z.string().optional(),
  reason: z.enum(["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"]).optional(),
  fieldPath: z.string().optional(),
  optionalOldSelf: z.boolean().optional(),
});
export type ValidationRule = z.infer<typeof validationRuleSchema>;

/** The part of a structural schema node that typing and evaluation read. */
export interface SchemaNode {
  readonly type: string | undefined;
  readonly format: string | undefined;
  readonly properties: ReadonlyMap<string, SchemaNode> | undefined;
  readonly items: SchemaNode | undefined;
  readonly additionalProperties: SchemaNode | undefined;
  readonly intOrString: boolean;
  readonly preserveUnknownFields: boolean;
  readonly embeddedResource: boolean;
  /** `x-kubernetes-list-type` (default atomic) and, for `map`, `x-kubernetes-list-map-keys`. */
  readonly listType: string;
  readonly listMapKeys: readonly string[];
  readonly validations: readonly ValidationRule[];
  /** Entries of `x-kubernetes-validations` that are not rules (reported, never silently dropped). */
  readonly invalidValidations: number;
}

/** Thrown for a schema nested deeper than MAX_JUDGED_DEPTH (no real CRD comes near it). */
export class SchemaTooDeep extends Error {}

function str(node: JsonObject, key: string): string | undefined {
  const v = ownValue(node, key);
  return typeof v === "string" ? v : undefined;
}

function validationsOf(node: JsonObject): { rules: ValidationRule[]; invalid: number } {
  const list = ownValue(node, "x-kubernetes-validations");
  if (!Array.isArray(list)) return { rules: [], invalid: 0 };
  const rules: ValidationRule[] = [];
  let invalid = 0;
  for (const entry of list) {
    const parsed = validationRuleSchema.safeParse(entry);
    if (parsed.success) rules.push(parsed.data);
    else invalid++;
  }
  return { rules, invalid };
}

function propertiesOf(node: JsonObject, depth: number): Map<string, SchemaNode> | undefined {
  const properties = ownValue(node, "properties");
  if (!isJsonObject(properties)) return undefined;
  const out = new Map<string, SchemaNode>();
  for (const [key, child] of Object.entries(properties)) out.set(key, readSchemaNode(child, depth + 1));
  return out;
}

/** Reads an openAPIV3Schema node (any JSON: unknown keys and wrong types are ignored). */
export function readSchemaNode(value: JsonValue | undefined, depth = 0): SchemaNode {
  if (depth > MAX_JUDGED_DEPTH) throw new SchemaTooDeep(`the schema nests deeper than ${MAX_JUDGED_DEPTH} levels`);
  const node = isJsonObject(value) ? value : {};
  const items = ownValue(node, "items");
  const additional = ownValue(node, "additionalProperties");
  const keys = ownValue(node, "x-kubernetes-list-map-keys");
  const { rules, invalid } = validationsOf(node);
  return {
    type: str(node, "type"),
    format: str(node, "format"),
    properties: propertiesOf(node, depth),
    items: isJsonObject(items) ? readSchemaNode(items, depth + 1) : undefined,
    additionalProperties: isJsonObject(additional) ? readSchemaNode(additional, depth + 1) : undefined,
    intOrString: ownValue(node, "x-kubernetes-int-or-string") === true,
    preserveUnknownFields: ownValue(node, "x-kubernetes-preserve-unknown-fields") === true,
    embeddedResource: ownValue(node, "x-kubernetes-embedded-resource") === true,
    listType: str(node, "x-kubernetes-list-type") ?? "atomic",
    listMapKeys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [],
    validations: rules,
    invalidValidations: invalid,
  };
}
