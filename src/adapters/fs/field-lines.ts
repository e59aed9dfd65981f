import { readFile } from "node:fs/promises";
import { isMap, isNode, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { FieldLineOf } from "../../core/impact/field-line.ts";
import type { ManifestLocation } from "../../core/impact/manifest-object.ts";
import { parsePathPattern, type PathSegment } from "../../core/k8s/field-path.ts";
import { STDIN_SOURCE } from "./read-manifests.ts";

/** What a formatter will ask for: the field `path` of the object read at `location`. */
export interface FieldLineRequest {
  readonly location: ManifestLocation;
  readonly path: string;
}

interface ParsedFile {
  readonly docs: Document[];
  readonly lineOf: (offset: number) => number;
}

function key(location: ManifestLocation, path: string): string {
  return `${location.source}\u0000${location.document}\u0000${location.item ?? 0}\u0000${path}`;
}

/**
 * The line of the deepest node of `segments` that exists: a map key's own line (where a reviewer
 * sees the field), a sequence item's first line. A field the after side dropped resolves to its
 * parent's line, which is in the diff too.
 */
function lineIn(doc: Document, segments: readonly PathSegment[], lineOf: (offset: number) => number): number | undefined {
  let node: unknown = doc.contents;
  let line = isNode(node) && node.range ? lineOf(node.range[0]) : undefined;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isNode(p.key) && "value" in p.key && String(p.key.value) === String(segment));
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) line = lineOf(pair.key.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      if (isNode(node) && node.range) line = lineOf(node.range[0]);
      else break;
    } else break;
  }
  return line;
}

async function parseFile(source: string): Promise<ParsedFile | undefined> {
  if (source === STDIN_SOURCE || source.toLowerCase().endsWith(".json")) return undefined;
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch {
    return undefined;
  }
  const counter = new LineCounter();
  // Same YAML version as the reader; positions are all that is used here.
  const docs = parseAllDocuments(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { lineCounter: counter, version: "1.2" });
  return { docs: Array.isArray(docs) ? docs : [], lineOf: (offset) => counter.linePos(offset).line };
}

/**
 * Reads again, with positions, only the manifest files that hold objects a formatter reports on,
 * and answers each request with the line of that field (SARIF results and the Markdown comment are
 * pinned to the changed line, not line 1). Unknown (stdin, JSON, unreadable now): the object's line.
 */
export async function fieldLineLookup(requests: readonly FieldLineRequest[]): Promise<FieldLineOf> {
  const files = new Map<string, Promise<ParsedFile | undefined>>();
  const lines = new Map<string, number>();
  for (const { location, path } of requests) {
    let file = files.get(location.source);
    if (!file) {
      file = parseFile(location.source);
      files.set(location.source, file);
    }
    const parsed = await file;
    const doc = parsed?.docs[location.document - 1];
    if (!parsed || !doc) continue;
    const segments = [...(location.item === undefined ? [] : ["items", location.item - 1]), ...parsePathPattern(path)];
    const line = lineIn(doc, segments, parsed.lineOf);
    if (line !== undefined) lines.set(key(location, path), line);
  }
  return (location, path) => lines.get(key(location, path)) ?? location.line;
}
