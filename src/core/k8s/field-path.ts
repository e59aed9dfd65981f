import { isJsonObject, type JsonValue } from "./json.ts";

/** One step into a JSON document: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Kubernetes field-path notation, as in API server errors: `spec.template.spec.containers[0].name`.
 * Map keys that are not plain identifiers (label keys such as `app.kubernetes.io/name`) are written
 * in brackets, as `field.Path.Key` prints them: `metadata.labels[app.kubernetes.io/name]`.
 */
export function formatFieldPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${segment}]`;
  }
  return out;
}

/**
 * Parses a path pattern used in the rule catalogue: dotted names, `[N]` indexes and `[*]` / `*`
 * wildcards (any key or index). `spec.containers[*].image` → ["spec","containers","*","image"].
 */
export function parsePathPattern(pattern: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const match of pattern.matchAll(re)) {
    const name = match[1];
    const bracket = match[2];
    if (name !== undefined) segments.push(name);
    else if (bracket !== undefined) segments.push(/^\d+$/.test(bracket) ? Number(bracket) : bracket);
  }
  return segments;
}

/** True when `pattern` (which may hold "*" wildcards) is a prefix of `path`. */
export function patternCovers(pattern: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  if (pattern.length > path.length) return false;
  return pattern.every((segment, i) => segment === "*" || segment === path[i]);
}

/** True when `path` is a (non-strict) prefix of `pattern` after wildcard matching. */
export function pathLeadsTo(path: readonly PathSegment[], pattern: readonly PathSegment[]): boolean {
  if (path.length > pattern.length) return false;
  return path.every((segment, i) => pattern[i] === "*" || pattern[i] === segment);
}

/** Reads the value at `segments`; undefined when any step is missing. */
export function getAt(root: JsonValue | undefined, segments: readonly PathSegment[]): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const segment of segments) {
    if (current === undefined || current === null) return undefined;
    if (typeof segment === "number") {
      current = Array.isArray(current) ? current[segment] : undefined;
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/** An RFC 6901 JSON pointer for the segments (`~` and `/` escaped). */
export function toJsonPointer(segments: readonly PathSegment[]): string {
  return segments.map((s) => "/" + String(s).replaceAll("~", "~0").replaceAll("/", "~1")).join("");
}
