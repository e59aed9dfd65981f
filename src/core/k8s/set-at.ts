import { isJsonObject, type JsonValue } from "./json.ts";
import type { PathSegment } from "./field-path.ts";

/**
 * Writes `value` at `segments` inside `root` (mutating it), creating missing parents: objects for
 * key segments, arrays for index segments. `undefined` deletes the key or splices the index out.
 * Returns false when a parent on the way is a scalar (nothing written).
 */
export function setAt(root: JsonValue, segments: readonly PathSegment[], value: JsonValue | undefined): boolean {
  if (segments.length === 0) return false;
  let current: JsonValue = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    const nextIsIndex = typeof segments[i + 1] === "number";
    const child: JsonValue | undefined = readChild(current, segment);
    if (child === undefined || child === null) {
      if (value === undefined) return true; // deleting below a missing parent: already absent
      const created: JsonValue = nextIsIndex ? [] : {};
      if (!writeChild(current, segment, created)) return false;
      current = created;
    } else if (typeof child === "object") {
      current = child;
    } else {
      return false;
    }
  }
  const last = segments[segments.length - 1]!;
  if (value === undefined) return deleteChild(current, last);
  return writeChild(current, last, value);
}

function readChild(parent: JsonValue, segment: PathSegment): JsonValue | undefined {
  if (typeof segment === "number") return Array.isArray(parent) ? parent[segment] : undefined;
  return isJsonObject(parent) && Object.hasOwn(parent, segment) ? parent[segment] : undefined;
}

function writeChild(parent: JsonValue, segment: PathSegment, value: JsonValue): boolean {
  if (typeof segment === "number" && Array.isArray(parent)) {
    if (segment > parent.length) return false;
    parent[segment] = value;
    return true;
  }
  if (typeof segment === "string" && isJsonObject(parent)) {
    // defineProperty, not assignment: a key named "__proto__" (legal in a custom resource's map)
    // must become an own key, never the object's prototype.
    Object.defineProperty(parent, segment, { value, writable: true, enumerable: true, configurable: true });
    return true;
  }
  return false;
}

function deleteChild(parent: JsonValue, segment: PathSegment): boolean {
  if (typeof segment === "number" && Array.isArray(parent)) {
    if (segment < parent.length) parent.splice(segment, 1);
    return true;
  }
  if (typeof segment === "string" && isJsonObject(parent)) {
    delete parent[segment];
    return true;
  }
  return false;
}
