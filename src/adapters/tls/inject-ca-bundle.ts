import { parseAllDocuments } from "yaml";
import { AppError } from "../../errors.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../core/k8s/json.ts";

/** The kinds whose `webhooks[*].clientConfig.caBundle` the API server uses to verify our certificate. */
export const WEBHOOK_CONFIGURATION_KINDS: readonly string[] = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

export interface InjectCaBundleCounts {
  /** Webhook configurations found. */
  readonly configurations: number;
  /** Webhooks whose caBundle was set. */
  readonly webhooks: number;
}

export interface InjectCaBundleResult extends InjectCaBundleCounts {
  /** Copies of the input with caBundle set; other objects unchanged. */
  readonly objects: JsonValue[];
}

type Path = (string | number)[];

/** Where the webhook configurations are in one document: itself, or the items of a `kind: List`. */
function configurationPaths(value: JsonValue): { path: Path; config: JsonObject }[] {
  if (!isJsonObject(value)) return [];
  if (typeof value["kind"] === "string" && WEBHOOK_CONFIGURATION_KINDS.includes(value["kind"])) return [{ path: [], config: value }];
  const items = value["items"];
  if (value["kind"] !== "List" || !Array.isArray(items)) return [];
  return items.flatMap((item, index) => configurationPaths(item).map(({ path, config }) => ({ path: ["items", index, ...path], config })));
}

/** Paths of every `webhooks[i].clientConfig.caBundle` of one document, and the count of configurations. */
function caBundlePaths(value: JsonValue): { paths: Path[]; configurations: number } {
  const configurations = configurationPaths(value);
  const paths = configurations.flatMap(({ path, config }) => {
    const webhooks = config["webhooks"];
    if (!Array.isArray(webhooks)) return [];
    return webhooks.flatMap((webhook, i) => (isJsonObject(webhook) ? [[...path, "webhooks", i, "clientConfig", "caBundle"]] : []));
  });
  return { paths, configurations: configurations.length };
}

function setIn(target: JsonValue, path: Path, value: string): void {
  let node = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      if (isJsonObject(node)) node[String(key)] = value;
      return;
    }
    const next: JsonValue | undefined = Array.isArray(node) ? node[Number(key)] : isJsonObject(node) ? node[String(key)] : undefined;
    if (next !== undefined && next !== null) {
      node = next;
    } else if (isJsonObject(node)) {
      // clientConfig is required by the API, but create it rather than drop the bundle.
      const created: JsonObject = {};
      node[String(key)] = created;
      node = created;
    } else {
      return;
    }
  }
}

/** cert-manager's cainjector annotations: a configuration carrying one has its caBundle set by cainjector. */
const CAINJECTOR_ANNOTATIONS = ["cert-manager.io/inject-ca-from", "cert-manager.io/inject-ca-from-secret", "cert-manager.io/inject-apiserver-ca"] as const;

/**
 * Refuses to write a caBundle cainjector owns: the two would overwrite each other on every
 * reconcile (and a CA from `certs` would not verify cert-manager's serving certificate).
 */
function refuseCainjectorManaged(value: JsonValue, source: string): void {
  for (const { config } of configurationPaths(value)) {
    const metadata = config["metadata"];
    const annotations = isJsonObject(metadata) ? metadata["annotations"] : undefined;
    const managed = isJsonObject(annotations) ? CAINJECTOR_ANNOTATIONS.find((a) => Object.hasOwn(annotations, a)) : undefined;
    if (managed !== undefined) {
      const name = isJsonObject(metadata) ? String(metadata["name"]) : "(unnamed)";
      throw new AppError("ERR_USAGE", `${source}: ${String(config["kind"])} ${name} carries ${managed}: cert-manager's cainjector sets its caBundle (docs/install.md "Certificates")`);
    }
  }
}

/** `caBundle` is the base64 of the PEM bundle (admissionregistration/v1 WebhookClientConfig). */
function encodeBundle(caPem: string): string {
  return Buffer.from(caPem, "utf8").toString("base64");
}

/**
 * Returns copies of the objects with every `webhooks[*].clientConfig.caBundle` of each
 * Mutating/ValidatingWebhookConfiguration (also inside `kind: List`) set to base64(caPem).
 */
export function injectCaBundle(objects: readonly JsonValue[], caPem: string): InjectCaBundleResult {
  const bundle = encodeBundle(caPem);
  let configurations = 0;
  let webhooks = 0;
  const copies = objects.map((object) => {
    const copy = structuredClone(object);
    const found = caBundlePaths(copy);
    for (const path of found.paths) setIn(copy, path, bundle);
    configurations += found.configurations;
    webhooks += found.paths.length;
    return copy;
  });
  return { objects: copies, configurations, webhooks };
}

/**
 * injectCaBundle on a manifest file's text. YAML (one or many documents) keeps its comments and
 * layout apart from the changed lines; JSON (an object or an array of objects) is re-serialized with
 * two-space indentation. Throws ERR_MANIFEST_INVALID when the text does not parse.
 */
export function injectCaBundleText(text: string, caPem: string, source: string): InjectCaBundleCounts & { readonly text: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let parsed: JsonValue;
    try {
      // JSON.parse yields JSON values by construction; their shape is checked by the walk above.
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new AppError("ERR_MANIFEST_INVALID", `${source} is not JSON: ${(cause as Error).message}`, { cause });
    }
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) refuseCainjectorManaged(item, source);
    const result = injectCaBundle(Array.isArray(parsed) ? parsed : [parsed], caPem);
    const output = Array.isArray(parsed) ? result.objects : result.objects[0];
    return { text: `${JSON.stringify(output, null, 2)}\n`, configurations: result.configurations, webhooks: result.webhooks };
  }
  const documents = parseAllDocuments(text);
  const bundle = encodeBundle(caPem);
  let configurations = 0;
  let webhooks = 0;
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) throw new AppError("ERR_MANIFEST_INVALID", `${source} is not YAML: ${error.message.split("\n")[0]}`);
    const value: JsonValue = doc.toJSON();
    refuseCainjectorManaged(value, source);
    const found = caBundlePaths(value);
    for (const path of found.paths) doc.setIn(path, bundle);
    configurations += found.configurations;
    webhooks += found.paths.length;
  }
  // lineWidth 0: never fold; base64 has no spaces to fold at anyway, but other edited scalars might.
  return { text: documents.map((doc) => doc.toString({ lineWidth: 0, flowCollectionPadding: false })).join(""), configurations, webhooks };
}
