import type { JsonObject } from "../../src/core/k8s/json.ts";
import { groupOf } from "../../src/core/k8s/kube-object.ts";
import { conformancePairs } from "./conformance-pairs.ts";

/** One object pair to edit: `live` is stored; the edits start from `base`. */
export interface EditBase {
  readonly name: string;
  readonly live: JsonObject;
  readonly base: JsonObject;
  /** The releases its pair's verdict holds in (`1.33` … `1.37`): the properties are judged on one of them. */
  readonly releases: readonly string[];
  /** The feature gates its pair sets (policy kubernetes.featureGates). */
  readonly featureGates: Readonly<Record<string, boolean>>;
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
    // Subresource pairs (pods/resize) are not main-resource updates: the edits are.
    .filter((pair) => pair.header.subresource === undefined && wanted(kindKey(pair.old)))
    .flatMap((pair) => {
      const at = { releases: pair.releases, featureGates: pair.header.featureGates };
      return [
        { name: `${pair.name} (live)`, live: pair.old, base: pair.old, ...at },
        ...(pair.header.expect === "accepted"
          ? [
              ...(options.acceptedAsLive ? [{ name: `${pair.name} (accepted new as live)`, live: pair.new, base: pair.new, ...at }] : []),
              { name: `${pair.name} (on top of the accepted change)`, live: pair.old, base: pair.new, ...at },
            ]
          : []),
      ];
    });
}

/** One of the base's releases, chosen by `pick` (a property's draw), and the catalogue for it. */
export function releaseOf(base: EditBase, pick: number): string {
  const release = base.releases[pick % base.releases.length];
  if (release === undefined) throw new Error(`${base.name}: no release`);
  return release;
}
