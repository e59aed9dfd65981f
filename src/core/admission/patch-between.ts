import jsonpatch, { type Operation } from "fast-json-patch";
import { toJsonPointer, type PathSegment } from "../k8s/field-path.ts";
import { isJsonObject, ownValue, type JsonObject, type JsonValue } from "../k8s/json.ts";
import { isRawNumber } from "../k8s/lossless-json.ts";

/** The value at a JSON pointer's segments (RFC 6901 escapes undone; array indexes as numbers), and the segments typed. */
function walk(root: JsonValue, pointer: string): { readonly value: JsonValue | undefined; readonly path: PathSegment[]; readonly rawAt?: PathSegment[] } {
  const path: PathSegment[] = [];
  let value: JsonValue | undefined = root;
  let rawAt: PathSegment[] | undefined;
  for (const escaped of pointer === "" ? [] : pointer.slice(1).split("/")) {
    const key = escaped.replaceAll("~1", "/").replaceAll("~0", "~");
    if (isRawNumber(value)) rawAt ??= [...path];
    if (Array.isArray(value) && /^\d+$/.test(key)) {
      path.push(Number(key));
      value = value[Number(key)];
    } else {
      path.push(key);
      value = isJsonObject(value) ? ownValue(value, key) : undefined;
    }
  }
  return rawAt ? { value, path, rawAt } : { value, path };
}

/**
 * The JSONPatch from `original` (the raw request object) to `modified` (its rewritten draft),
 * computed by fast-json-patch's diff, with two corrections for numbers kept as their text
 * (lossless-json.ts):
 * - the diff copies values through JSON text and back (its `_deepClone`), which turns a kept
 *   number into a double again (9223372036854775807 → 9223372036854776000): values are taken
 *   from `modified` itself;
 * - the diff descends into a kept number's `rawJSON` property when both sides hold one: such an
 *   operation becomes one `replace` of the number.
 */
export function patchBetween(original: JsonObject, modified: JsonObject): Operation[] {
  const out: Operation[] = [];
  const replaced = new Set<string>();
  for (const op of jsonpatch.compare(original, modified)) {
    if (op.op !== "add" && op.op !== "replace") {
      out.push(op);
      continue;
    }
    const at = walk(modified, op.path);
    if (at.rawAt === undefined) {
      out.push(at.value === undefined ? op : { ...op, value: at.value });
      continue;
    }
    const path = toJsonPointer(at.rawAt);
    if (replaced.has(path)) continue;
    replaced.add(path);
    const value = walk(modified, path).value;
    out.push(value === undefined ? { op: "remove", path } : { op: "replace", path, value });
  }
  return out;
}
