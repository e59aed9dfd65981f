import { patternCovers, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue, setOwn, type JsonObject, type JsonPrimitive, type JsonValue } from "../../k8s/json.ts";

/**
 * The values the API server's defaulting (`SetDefaults_*` in pkg/apis/core/v1/defaults.go) gives
 * absent fields: a primitive is the default itself, a nested tree applies inside an existing
 * object, and the key "*" applies to every item of a list.
 */
export interface DefaultTree {
  readonly [key: string]: JsonPrimitive | DefaultTree;
}

function isTree(value: JsonPrimitive | DefaultTree): value is DefaultTree {
  return typeof value === "object" && value !== null;
}

/** A copy of `value` with the defaults filled in where the field is absent, null or "". */
export function applyDefaults(value: JsonValue | undefined, defaults: DefaultTree): JsonValue | undefined {
  if (Array.isArray(value)) {
    const item = defaults["*"];
    return item !== undefined && isTree(item) ? value.map((v) => applyDefaults(v, item) ?? null) : value;
  }
  if (!isJsonObject(value)) return value;
  const out: JsonObject = { ...value };
  for (const [key, def] of Object.entries(defaults)) {
    if (key === "*") continue;
    const current = ownValue(out, key);
    if (isTree(def)) {
      const applied = current === undefined || current === null ? undefined : applyDefaults(current, def);
      if (applied !== undefined) setOwn(out, key, applied);
    } else if (current === undefined || current === null || current === "") {
      setOwn(out, key, def);
    }
  }
  return out;
}

/**
 * A copy without map entries whose value is "": for Go string fields (not pointers) an empty
 * string and an absent field decode to the same value, so they must compare equal. `keep`: path
 * patterns ("*" = any key or index) of `*string` fields, where "" is a value and stays.
 */
export function dropEmptyStrings(value: JsonValue | undefined, keep: readonly (readonly PathSegment[])[] = []): JsonValue | undefined {
  return withoutEmptyStrings(value, [], keep);
}

function withoutEmptyStrings(value: JsonValue | undefined, path: PathSegment[], keep: readonly (readonly PathSegment[])[]): JsonValue | undefined {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      path.push(i);
      const kept = withoutEmptyStrings(v, path, keep) ?? null;
      path.pop();
      return kept;
    });
  }
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    path.push(key);
    // Checked only for "" (rare), so the path patterns cost nothing on other values.
    const kept = item === "" ? (keep.some((p) => p.length === path.length && patternCovers(p, path)) ? item : undefined) : withoutEmptyStrings(item, path, keep);
    path.pop();
    if (kept !== undefined) setOwn(out, key, kept);
  }
  return out;
}
