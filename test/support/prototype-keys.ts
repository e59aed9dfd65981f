import fc from "fast-check";

/**
 * Keys a Kubernetes map (labels, annotations, ConfigMap/Secret data, nodeSelector, any CRD map)
 * may legally hold that name members of Object.prototype: a plain-object lookup of one of them
 * finds the inherited member when the key is absent, and an assignment of "__proto__" sets the
 * prototype instead of a key. Every random generator of map keys mixes them in.
 */
export const PROTOTYPE_KEYS = [
  "__proto__",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "__lookupGetter__",
] as const;

/** A map key: one of `keys`, or one of PROTOTYPE_KEYS about one time in four. */
export function mapKeyOf(keys: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: keys }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) });
}
