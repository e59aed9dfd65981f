import { isJsonObject, type JsonObject, type JsonValue } from "./json.ts";
import type { PathSegment } from "./field-path.ts";

/**
 * A copy-on-write draft of a JSON document: `draft` starts as a shallow copy of the original and
 * shares every subtree with it; `own(path)` copies (shallowly) each container along `path` that
 * is still shared, so writes along that path never touch the original. For a patch the draft is
 * then diffed against the original — the cost is proportional to the paths written, not to the
 * document (a full structuredClone of every request was the largest cost of a restore patch).
 */
export interface Draft {
  readonly draft: JsonObject;
  own(path: readonly PathSegment[]): void;
}

export function draftOf(original: JsonObject): Draft {
  const owned = new WeakSet<object>();
  const draft: JsonObject = { ...original };
  owned.add(draft);
  return {
    draft,
    own(path) {
      let parent: JsonValue = draft;
      for (const segment of path) {
        const child: JsonValue | undefined = Array.isArray(parent)
          ? typeof segment === "number" ? parent[segment] : undefined
          : isJsonObject(parent) && typeof segment === "string" && Object.hasOwn(parent, segment) ? parent[segment] : undefined;
        if (!isJsonObject(child) && !Array.isArray(child)) return; // a scalar, or a number kept as text
        let next: JsonValue = child;
        if (!owned.has(child)) {
          next = Array.isArray(child) ? [...child] : { ...child };
          owned.add(next);
          if (Array.isArray(parent) && typeof segment === "number") parent[segment] = next;
          else if (isJsonObject(parent) && typeof segment === "string") Object.defineProperty(parent, segment, { value: next, writable: true, enumerable: true, configurable: true });
        }
        parent = next;
      }
    },
  };
}
