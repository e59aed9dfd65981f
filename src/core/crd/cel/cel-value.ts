import { isJsonObject, ownValue, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { isRawNumber } from "../../k8s/lossless-json.ts";
import { MAX_JUDGED_DEPTH } from "../../k8s/nesting-depth.ts";
import type { SchemaNode } from "./crd-schema-node.ts";

/**
 * JSON → CEL values the way kube-apiserver types a custom resource for its rules
 * (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/model/schemas.go, values.go):
 * - `integer` → int (bigint), `number` → double, `x-kubernetes-int-or-string` → int or string;
 * - `string` with `format: date-time`/`date` → timestamp; other strings stay strings;
 * - objects with `properties` → only those fields (unknown fields are invisible to rules, even
 *   with `x-kubernetes-preserve-unknown-fields`), objects with `additionalProperties` → maps;
 * - an object that only preserves unknown fields, or a value without schema → dyn (integral
 *   numbers as int);
 * - the resource root and embedded resources expose apiVersion, kind and metadata.name /
 *   metadata.generateName only (model.WithTypeAndObjectMeta).
 * Objects become `Map`s: keys such as `__proto__` or `constructor` are data, never prototype lookups.
 */
export class ValueTooDeep extends Error {}

/** A number kept as its text (lossless-json.ts): an int when it is one, else a double. */
function rawNumber(text: string): unknown {
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

function dynValue(value: JsonValue, depth: number): unknown {
  if (depth > MAX_JUDGED_DEPTH) throw new ValueTooDeep(`the value nests deeper than ${MAX_JUDGED_DEPTH} levels`);
  if (isRawNumber(value)) return rawNumber(value.rawJSON);
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => dynValue(v, depth + 1));
  if (isJsonObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, dynValue(v, depth + 1)]));
  return value;
}

function scalar(value: JsonValue, node: SchemaNode): unknown {
  if (isRawNumber(value)) return node.type === "number" ? Number(value.rawJSON) : rawNumber(value.rawJSON);
  if (typeof value === "number") {
    if (node.type === "number") return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === "string" && node.type === "string" && (node.format === "date-time" || node.format === "date")) {
    const time = new Date(value);
    return Number.isNaN(time.getTime()) ? value : time;
  }
  return value;
}

function resourceMeta(object: JsonObject, into: Map<string, unknown>): void {
  for (const key of ["apiVersion", "kind"]) {
    const v = ownValue(object, key);
    if (typeof v === "string") into.set(key, v);
  }
  const metadata = ownValue(object, "metadata");
  if (!isJsonObject(metadata)) return;
  const meta = new Map<string, unknown>();
  for (const key of ["name", "generateName"]) {
    const v = ownValue(metadata, key);
    if (typeof v === "string") meta.set(key, v);
  }
  into.set("metadata", meta);
}

/**
 * An object with `properties` as a CEL map whose fields are converted when first read: a rule
 * on `spec` that reads two fields does not convert the listeners next to them
 * (bench/crd-rules.ts: converting a whole Gateway spec per rule was most of a review's time).
 * Size, iteration and equality convert every field first. The evaluator reads maps through
 * get/has/size and iteration only (@marcbachmann/cel-js 8.0.0 lib/overloads.js, registry.js);
 * test/core/crd/cel/rule-cases.test.ts covers field access, has(), equality and size on it.
 */
class LazyFields extends Map<string, unknown> {
  // The evaluator types a value by its constructor (`case Map:` in lib/operators.js debugType
  // and field access): the lazy map answers as a Map.
  static {
    Object.defineProperty(LazyFields.prototype, "constructor", { value: Map });
  }

  readonly #source: JsonObject;
  readonly #properties: ReadonlyMap<string, SchemaNode>;
  readonly #depth: number;
  #complete = false;

  constructor(source: JsonObject, properties: ReadonlyMap<string, SchemaNode>, depth: number) {
    super();
    this.#source = source;
    this.#properties = properties;
    this.#depth = depth;
  }

  #read(key: string): void {
    if (super.has(key)) return;
    const schema = this.#properties.get(key);
    const v = schema ? ownValue(this.#source, key) : undefined;
    if (schema && v !== undefined) super.set(key, toCelValue(v, schema, this.#depth + 1));
  }

  #completeAll(): void {
    if (this.#complete) return;
    this.#complete = true;
    for (const key of this.#properties.keys()) this.#read(key);
  }

  override get(key: string): unknown {
    if (!this.#complete && typeof key === "string") this.#read(key);
    return super.get(key);
  }

  override has(key: string): boolean {
    if (!this.#complete && typeof key === "string") this.#read(key);
    return super.has(key);
  }

  override get size(): number {
    this.#completeAll();
    return super.size;
  }

  override entries(): MapIterator<[string, unknown]> {
    this.#completeAll();
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.#completeAll();
    return super.keys();
  }

  override values(): MapIterator<unknown> {
    this.#completeAll();
    return super.values();
  }

  override forEach(callback: (value: unknown, key: string, map: Map<string, unknown>) => void, thisArg?: unknown): void {
    this.#completeAll();
    super.forEach(callback, thisArg);
  }

  override [Symbol.iterator](): MapIterator<[string, unknown]> {
    return this.entries();
  }
}

function objectValue(value: JsonObject, node: SchemaNode, depth: number, resourceRoot: boolean): unknown {
  if (node.properties && !resourceRoot && !node.embeddedResource) return new LazyFields(value, node.properties, depth);
  const out = new Map<string, unknown>();
  if (node.properties) {
    for (const [key, child] of node.properties) {
      const v = ownValue(value, key);
      if (v !== undefined) out.set(key, toCelValue(v, child, depth + 1));
    }
  } else if (node.additionalProperties) {
    for (const [key, v] of Object.entries(value)) out.set(key, toCelValue(v, node.additionalProperties, depth + 1));
  } else if (!resourceRoot && !node.embeddedResource) {
    return dynValue(value, depth);
  }
  if (resourceRoot || node.embeddedResource) resourceMeta(value, out);
  return out;
}

/** The CEL value of `value` typed by `node`; `resourceRoot` for the custom resource itself. */
export function toCelValue(value: JsonValue, node: SchemaNode | undefined, depth = 0, resourceRoot = false): unknown {
  if (depth > MAX_JUDGED_DEPTH) throw new ValueTooDeep(`the value nests deeper than ${MAX_JUDGED_DEPTH} levels`);
  if (value === null) return null;
  if (!node) return dynValue(value, depth);
  if (node.intOrString) return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return node.items ? value.map((v) => toCelValue(v, node.items, depth + 1)) : dynValue(value, depth);
  if (isJsonObject(value)) return objectValue(value, node, depth, resourceRoot);
  return scalar(value, node);
}
