import type { JsonObject } from "../../src/core/k8s/json.ts";
import { groupOf } from "../../src/core/k8s/kube-object.ts";
import { conformancePairs } from "./conformance-pairs.ts";

/** One object pair to edit: `live` is stored; the edits start from `base`. */
export interface EditBase {
  readonly name: string;
  readonly live: JsonObject;
  readonly base: JsonObject;
}

/** `group/Kind` of an object ("" for the core group): the key the edit lists use. */
export function kindKey(object: JsonObject): string {
  const apiVersion = typeof object["apiVersion"] === "string" ? object["apiVersion"] : "";
  return `${groupOf(apiVersion)}/${String(object["kind"])}`;
}

/**
 * The stored objects of the conformance corpus to edit, for the kinds `wanted` accepts: every pair's
 * live object edited from itself, and for an accepted pair the edit on top of the accepted change;
 * with `acceptedAsLive`, an accepted pair's new object also as a stored state of its own.
 */
export function editBases(wanted: (kind: string) => boolean, options: { readonly acceptedAsLive: boolean }): EditBase[] {
  return conformancePairs()
    .filter((pair) => wanted(kindKey(pair.old)))
    .flatMap((pair) => [
      { name: `${pair.name} (live)`, live: pair.old, base: pair.old },
      ...(pair.header.expect === "accepted"
        ? [
            ...(options.acceptedAsLive ? [{ name: `${pair.name} (accepted new as live)`, live: pair.new, base: pair.new }] : []),
            { name: `${pair.name} (on top of the accepted change)`, live: pair.old, base: pair.new },
          ]
        : []),
    ]);
}
