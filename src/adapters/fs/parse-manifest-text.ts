import { messageOf } from "../../errors.ts";
import { isNode, isSeq, LineCounter, parseAllDocuments, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions, type ScalarTag } from "yaml";
import type { ManifestObject } from "../../core/impact/manifest-object.ts";
import { formatLocation } from "../../core/impact/manifest-object.ts";
import { splitYamlStream, type YamlChunk } from "./split-yaml-stream.ts";
import { validateManifest, type ValidObject } from "./validate-manifest.ts";

/**
 * `0644` is an octal integer (420), as in YAML 1.1. Kubernetes manifests write file modes that way
 * (`defaultMode: 0644`), and every Go reader of manifests agrees: sigs.k8s.io/yaml (kubectl, Helm;
 * YAML 1.1) and go-yaml v3 (kustomize's kyaml, hence Flux and Argo CD), whose README says "Octals
 * encode and decode as 0777 per YAML 1.1, rather than 0o777 as specified in YAML 1.2".
 */
const LEGACY_OCTAL: ScalarTag = {
  tag: "tag:yaml.org,2002:int",
  default: true,
  test: /^[-+]?0[0-7]+$/,
  resolve: (text: string) => (text.startsWith("-") ? -1 : 1) * parseInt(text.replace(/^[-+]/, ""), 8),
};

/**
 * YAML 1.2 core schema, plus legacy octals. Booleans are only true/false: `yes`, `no`, `on`, `off`
 * stay strings. That is how go-yaml v3 (kustomize build, Flux, Argo CD) reads a manifest when it
 * does not decode into a typed field; sigs.k8s.io/yaml (kubectl, Helm) reads them as YAML 1.1
 * booleans, and the API server then refuses the object where a string is expected (a label value).
 * Both sides of a comparison are read the same way, so the choice never invents a change; quote
 * such values in manifests applied by kubectl or Helm. Duplicate keys are an error (kubectl too).
 */
const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.2",
  schema: "core",
  customTags: (tags) => [LEGACY_OCTAL, ...tags],
  prettyErrors: false,
  uniqueKeys: true,
};

/**
 * One document of a chunk, positions relative to the chunk (1-based lines). Plain data only: it
 * crosses from a parsing worker to the main thread by structured clone.
 */
export type ParsedDocument =
  | { readonly ok: true; readonly objects: readonly ValidObject[]; readonly line: number; readonly itemLines: readonly number[] }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly item?: number; readonly errorLine?: number };

/**
 * Parsed documents by chunk text. One cache serves the before and the after read of a check, so a
 * document that did not change is parsed and validated once (and both sides share the object).
 */
export type ManifestCache = Map<string, readonly ParsedDocument[]>;

export interface ParseResult {
  readonly objects: ManifestObject[];
  /** Every bad document, each message naming the file and the document. */
  readonly errors: string[];
}

/** 1-based line of a character offset (yaml's LineCounter: a binary search over the line starts). */
type LineOf = (offset: number) => number;

function itemLines(doc: Document, lineOf: LineOf): number[] {
  const items = doc.contents && "get" in doc.contents ? doc.getIn(["items"], true) : undefined;
  if (!isSeq(items)) return [];
  return items.items.map((node) => {
    const offset = isNode(node) ? node.range?.[0] : undefined;
    return offset === undefined ? 0 : lineOf(offset);
  });
}

function parseDocument(doc: Document, lineOf: LineOf): ParsedDocument {
  const line = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0);
  const error = doc.errors[0];
  if (error) return { ok: false, message: `not YAML: ${error.message}`, line, errorLine: lineOf(error.pos[0]) };
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { ok: true, objects: [], line, itemLines: [] };
  const result = validateManifest(value);
  if (!result.ok) {
    if (result.item === undefined) return { ok: false, message: result.message, line };
    return { ok: false, message: result.message, line: itemLines(doc, lineOf)[result.item] ?? line, item: result.item };
  }
  const lines = result.objects.some((o) => o.item !== undefined) ? itemLines(doc, lineOf) : [];
  return { ok: true, objects: result.objects, line, itemLines: lines };
}

/** Parses and validates the documents of one chunk of a YAML stream (usually exactly one). */
export function parseYamlChunk(chunk: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const lineOf: LineOf = (offset) => lineCounter.linePos(offset).line;
  return Array.from(parseAllDocuments(chunk, { ...YAML_OPTIONS, lineCounter }), (doc) => parseDocument(doc, lineOf));
}

function collect(docs: readonly ParsedDocument[], chunk: YamlChunk, source: string, first: number, out: ParseResult): void {
  docs.forEach((doc, i) => {
    const document = first + i;
    const line = chunk.lineOffset + doc.line;
    if (!doc.ok) {
      const item = doc.item === undefined ? {} : { item: doc.item + 1 };
      const at = doc.errorLine === undefined ? "" : ` (line ${chunk.lineOffset + doc.errorLine})`;
      out.errors.push(`${formatLocation({ source, document, line, ...item })}: ${doc.message}${at}`);
      return;
    }
    for (const valid of doc.objects) {
      const itemLine = valid.item === undefined ? undefined : doc.itemLines[valid.item];
      const location =
        valid.item === undefined
          ? { source, document, line }
          : { source, document, item: valid.item + 1, ...(itemLine ? { line: chunk.lineOffset + itemLine } : { line }) };
      out.objects.push({ apiVersion: valid.apiVersion, kind: valid.kind, name: valid.name, namespace: valid.namespace, object: valid.object, location });
    }
  });
}

/** A parsed JSON value (one document: an object or a List) → its objects. */
export function jsonValueManifest(value: unknown, source: string): ParseResult {
  const out: ParseResult = { objects: [], errors: [] };
  const result = validateManifest(value);
  if (!result.ok) {
    const item = result.item === undefined ? {} : { item: result.item + 1 };
    out.errors.push(`${formatLocation({ source, document: 1, ...item })}: ${result.message}`);
    return out;
  }
  for (const valid of result.objects) {
    const location = { source, document: 1, ...(valid.item === undefined ? {} : { item: valid.item + 1 }) };
    out.objects.push({ apiVersion: valid.apiVersion, kind: valid.kind, name: valid.name, namespace: valid.namespace, object: valid.object, location });
  }
  return out;
}

/** A whole JSON text: one document, an object or a List. */
export function parseJsonManifest(text: string, source: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = `not JSON: ${messageOf(err)}`;
    return { objects: [], errors: [`${formatLocation({ source, document: 1 })}: ${message}`] };
  }
  return jsonValueManifest(value, source);
}

/** A YAML stream cut at its document markers (whole when it cannot be cut, see splitYamlStream). */
export function yamlChunks(text: string): YamlChunk[] {
  return splitYamlStream(text) ?? [{ text, lineOffset: 0 }];
}

/**
 * A YAML stream (multi-document, as `kustomize build`, `helm template` and `flux build` print it)
 * → its objects, Lists unpacked, empty documents skipped but counted. Documents are numbered from 1
 * in stream order. Every chunk must be in the cache already (parsed by a ChunkParser).
 */
export function assembleYamlManifest(chunks: readonly YamlChunk[], source: string, cache: ManifestCache): ParseResult {
  const out: ParseResult = { objects: [], errors: [] };
  let document = 1;
  for (const chunk of chunks) {
    const docs = cache.get(chunk.text);
    if (!docs) throw new Error(`assembleYamlManifest: chunk at line ${chunk.lineOffset + 1} of ${source} was not parsed`);
    collect(docs, chunk, source, document, out);
    document += docs.length;
  }
  return out;
}
