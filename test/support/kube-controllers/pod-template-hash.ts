import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { objectField } from "./json-fields.ts";

/** The label (and selector key) that ties a ReplicaSet and its pods to one Deployment template. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
// k8s.io/apimachinery/pkg/util/rand: no vowels, no 0/1/3, so a hash never spells a word.
const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** JSON with object keys sorted: the same template always gives the same text. */
function canonical(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isJsonObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`).join(",")}}`;
  return JSON.stringify(value);
}

function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let hash = seed;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

/**
 * controller.ComputeHash: FNV-32a of the pod template, then of collisionCount's four
 * little-endian bytes (padded to eight, as upstream writes them) when set, printed in decimal and
 * each digit mapped through rand.SafeEncodeString's alphabet. Upstream hashes the Go struct
 * dump (DeepHashObject), so the values differ from a real cluster's; the properties that matter
 * hold: stable for one template, different for another, and collisionCount changes it.
 */
export function computeHash(template: JsonObject, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonical(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return [...String(hash)].map((digit) => SAFE_ALPHABET[digit.charCodeAt(0) % SAFE_ALPHABET.length]).join("");
}

/** A copy of a pod template without the pod-template-hash label. */
function withoutHash(template: JsonObject): JsonObject {
  const copy = structuredClone(template);
  const metadata = objectField(copy, "metadata");
  const labels = objectField(metadata, "labels");
  if (Object.hasOwn(labels, POD_TEMPLATE_HASH_LABEL)) {
    delete labels[POD_TEMPLATE_HASH_LABEL];
    copy["metadata"] = { ...metadata, labels };
  }
  return copy;
}

/** deploymentutil.EqualIgnoreHash: the two pod templates are equal once pod-template-hash is dropped. */
export function equalIgnoreHash(a: JsonObject, b: JsonObject): boolean {
  return canonical(withoutHash(a)) === canonical(withoutHash(b));
}
