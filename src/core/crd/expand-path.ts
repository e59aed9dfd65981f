import { isJsonObject, ownValue, type JsonValue } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";

type Reached = { path: PathSegment[]; value: JsonValue | undefined };

function step(path: PathSegment[], value: JsonValue | undefined, segment: PathSegment, last: boolean): Reached[] {
  if (segment === "*") {
    if (Array.isArray(value)) return value.map((item, index) => ({ path: [...path, index], value: item }));
    if (isJsonObject(value)) return Object.entries(value).map(([key, item]) => ({ path: [...path, key], value: item }));
    return [];
  }
  if (isJsonObject(value) && typeof segment === "string" && (last || Object.hasOwn(value, segment))) {
    return [{ path: [...path, segment], value: ownValue(value, segment) }];
  }
  return [];
}

/**
 * The concrete paths a pattern (with "*" for any array index or map key) reaches in `root`.
 * `["spec","listeners","*","port"]` → `[["spec","listeners",0,"port"], ...]` for the items that
 * have the parent; the last step need not exist (presence rules ask about it).
 */
export function expandPath(root: JsonValue | undefined, pattern: readonly PathSegment[]): PathSegment[][] {
  let frontier: Reached[] = [{ path: [], value: root }];
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i]!;
    const last = i === pattern.length - 1;
    frontier = frontier.flatMap(({ path, value }) => step(path, value, segment, last));
  }
  return frontier.map((f) => f.path);
}
