import fc from "fast-check";
import { getAt, type PathSegment } from "../../src/core/k8s/field-path.ts";
import type { JsonObject, JsonValue } from "../../src/core/k8s/json.ts";
import { setAt } from "../../src/core/k8s/set-at.ts";

/**
 * What a full replace (`kubectl replace`, `helm upgrade --force`, kapp's plain PUT) does to the
 * values the server assigned: the manifest never had them, so they are absent, or written blank.
 * Random edits (random-edits.ts) reach these paths too, but rarely; a drop reaches them on purpose.
 */
export interface Drop {
  /** Picks the path (modulo the number of server-assigned paths the object holds). */
  readonly pick: number;
  /** Absent, `""` (a blanked string), or null (decodes as the zero value). */
  readonly as: "absent" | "blank" | "null";
}

export const dropArbitrary: fc.Arbitrary<Drop> = fc.record({
  pick: fc.nat({ max: 1 << 20 }),
  as: fc.constantFrom("absent", "blank", "null"),
});

/** Labels the Job controller adds to a generated selector's pod template (dropped-generated-labels.ts). */
const JOB_LABELS = ["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"];

/**
 * Paths the server fills on create (server-assigned.ts, k8s-immutable-fields.md §1): Service
 * allocations, the Job's generated selector and template labels, the PVC's bound volume and
 * default class; and the parents a manifest drops them with.
 */
function candidates(object: JsonObject): PathSegment[][] {
  const ports = getAt(object, ["spec", "ports"]);
  const fixed: PathSegment[][] = [
    ["spec", "selector"], ["spec", "template", "metadata"], ["spec", "template", "metadata", "labels"],
    ...JOB_LABELS.map((key) => ["spec", "template", "metadata", "labels", key]),
    ["spec", "volumeName"], ["spec", "storageClassName"], ["spec", "clusterIP"], ["spec", "clusterIPs"], ["spec", "clusterIPs", 0],
    ["spec", "ipFamilies"], ["spec", "ipFamilyPolicy"], ["spec", "healthCheckNodePort"],
    ...(Array.isArray(ports) ? ports.map((_, i): PathSegment[] => ["spec", "ports", i, "nodePort"]) : []),
  ];
  return fixed.filter((path) => getAt(object, path) !== undefined);
}

/** Applies `drop` to `object` (mutating it); nothing when the object holds none of the paths. */
export function applyDrop(object: JsonObject, drop: Drop): void {
  const paths = candidates(object);
  const path = paths[drop.pick % Math.max(1, paths.length)];
  if (!path) return;
  const current = getAt(object, path);
  // A list item is blanked, never spliced out (clusterIPs[0] = "" is how a manifest blanks it).
  const index = typeof path[path.length - 1] === "number";
  const blank: JsonValue = typeof current === "string" ? "" : typeof current === "number" ? 0 : Array.isArray(current) ? [] : {};
  const value: JsonValue | undefined = drop.as === "absent" && !index ? undefined : drop.as === "null" && !index ? null : blank;
  setAt(object, path, value);
}
