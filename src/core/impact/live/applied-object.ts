import { isJsonObject, ownValue, setOwn, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { MAX_OWNED_DEPTH, ownedFields, ownedItem, type OwnedTree } from "./owned-fields.ts";

/**
 * The keys list items are merged by, tried in order: the `patchMergeKey` / `+listMapKey` of the
 * built-in types' lists (containers, env, volumes, imagePullSecrets by `name`; container ports by
 * `containerPort`, Service ports by `port`; volumeMounts by `mountPath`; volumeDevices by
 * `devicePath`; hostAliases by `ip`; topologySpreadConstraints by `topologyKey`; conditions by
 * `type`; StatefulSet volumeClaimTemplates by `metadata.name`). A key is used only when every item
 * on both sides has a unique scalar value for it; otherwise the list is atomic (replaced whole),
 * as server-side apply treats lists without list-map keys.
 */
const ITEM_KEYS: readonly (readonly string[])[] = [["name"], ["containerPort"], ["port"], ["mountPath"], ["devicePath"], ["ip"], ["topologyKey"], ["type"], ["metadata", "name"]];

/** Fields of the applied manifest the write ignores: the main resource never writes status. */
const IGNORED_TOP_LEVEL = new Set(["status"]);

/** Ownership known, nothing owned below this point (distinct from undefined: no ownership information). */
const NOTHING_OWNED: OwnedTree = { fields: new Map(), items: [], values: [] };

function childOf(owned: OwnedTree | undefined, key: string): OwnedTree | undefined {
  return owned ? (owned.fields.get(key) ?? NOTHING_OWNED) : undefined;
}

function itemOf(owned: OwnedTree | undefined, item: JsonValue): OwnedTree | undefined {
  return owned ? (ownedItem(owned, item) ?? NOTHING_OWNED) : undefined;
}

function itemKey(item: JsonValue, path: readonly string[]): string | undefined {
  let node: JsonValue | undefined = item;
  for (const segment of path) node = isJsonObject(node) ? ownValue(node, segment) : undefined;
  return typeof node === "string" || typeof node === "number" ? String(node) : undefined;
}

function keyedBy(items: readonly JsonValue[], path: readonly string[]): Map<string, JsonValue> | undefined {
  const out = new Map<string, JsonValue>();
  for (const item of items) {
    const key = itemKey(item, path);
    if (key === undefined || out.has(key)) return undefined;
    out.set(key, item);
  }
  return out;
}

function mergeList(live: readonly JsonValue[], desired: readonly JsonValue[], owned: OwnedTree | undefined, depth: number): JsonValue[] {
  for (const path of ITEM_KEYS) {
    const wanted = keyedBy(desired, path);
    const current = wanted && keyedBy(live, path);
    if (!wanted || !current) continue;
    const out: JsonValue[] = [];
    for (const [key, item] of wanted) {
      const existing = current.get(key);
      out.push(existing === undefined ? item : merge(existing, item, itemOf(owned, existing), depth + 1));
    }
    // An item the applier did not write (another manager's, e.g. a sidecar a webhook injected)
    // stays when ownership is known; without it the list is what the applier sends.
    if (owned) for (const [key, item] of current) if (!wanted.has(key) && !ownedItem(owned, item)) out.push(item);
    return out;
  }
  return [...desired];
}

/**
 * An owned node without children: the applier owns the value whole (fieldsV1 `f:selector: {}`
 * for an atomic struct such as a LabelSelector), so the applied value replaces it whole.
 */
function ownedWhole(owned: OwnedTree | undefined): boolean {
  return owned !== undefined && owned !== NOTHING_OWNED && owned.fields.size === 0 && owned.items.length === 0 && owned.values.length === 0;
}

function merge(live: JsonValue, desired: JsonValue, owned: OwnedTree | undefined, depth: number): JsonValue {
  if (depth > MAX_OWNED_DEPTH) return desired;
  if (Array.isArray(live) && Array.isArray(desired)) return mergeList(live, desired, owned, depth);
  if (!isJsonObject(live) || !isJsonObject(desired) || ownedWhole(owned)) return desired;
  const out: JsonObject = {};
  for (const key of Object.keys(live)) {
    const wanted = ownValue(desired, key);
    const current = ownValue(live, key);
    if (current === undefined) continue;
    if (wanted !== undefined) setOwn(out, key, merge(current, wanted, childOf(owned, key), depth + 1));
    // Omitted: removed when the applier owned it (it set it before), kept when the server defaulted
    // or assigned it or another manager wrote it.
    else if (!owned?.fields.has(key)) setOwn(out, key, current);
  }
  for (const key of Object.keys(desired)) {
    const wanted = ownValue(desired, key);
    if (wanted !== undefined && ownValue(live, key) === undefined) setOwn(out, key, wanted);
  }
  return out;
}

/** UTF-8 bytes as base64 (a Secret's `data`), without node:buffer (the core has no I/O modules). */
function base64Of(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A core Secret's stringData is written into data by the API server (stringData is write-only). */
function withStringData(desired: JsonObject): JsonObject {
  const stringData = ownValue(desired, "stringData");
  if (desired["apiVersion"] !== "v1" || desired["kind"] !== "Secret" || !isJsonObject(stringData)) return desired;
  const data: JsonObject = isJsonObject(desired["data"]) ? { ...desired["data"] } : {};
  for (const key of Object.keys(stringData)) {
    const value = ownValue(stringData, key);
    if (typeof value === "string") setOwn(data, key, base64Of(value));
  }
  const out: JsonObject = {};
  for (const key of Object.keys(desired)) if (key !== "stringData") setOwn(out, key, ownValue(desired, key) ?? null);
  out["data"] = data;
  return out;
}

/**
 * What the API server stores when the desired manifest is applied over the live object: the
 * desired fields win; a field the manifest omits is kept when the server defaulted or assigned it
 * (clusterIP, nodePort, volumeName, a Job's generated selector, defaulted container fields) and
 * removed when the applier owned it (managedFields of server-side apply, kubectl's
 * last-applied-configuration: owned-fields.ts); list items merge by their key (ITEM_KEYS).
 * An approximation of server-side apply without the OpenAPI schema: lists whose items have no
 * key are replaced whole, and defaulting of fields the manifest adds is not simulated
 * (--server-dry-run gets the API server's own answer).
 */
export function appliedObject(live: JsonObject, desired: JsonObject): JsonObject {
  const wanted: JsonObject = {};
  const source = withStringData(desired);
  for (const key of Object.keys(source)) if (!IGNORED_TOP_LEVEL.has(key)) setOwn(wanted, key, ownValue(source, key) ?? null);
  const owned = ownedFields(live);
  const merged = merge(live, wanted, owned, 0);
  return isJsonObject(merged) ? merged : wanted;
}
