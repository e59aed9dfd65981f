import { readdir, readFile, stat } from "node:fs/promises";
import { readStream } from "./read-stream.ts";
import { extname, join } from "node:path";
import { AppError, messageOf } from "../../errors.ts";
import type { ManifestObject } from "../../core/impact/manifest-object.ts";
import { inThreadChunkParser, type ChunkParser } from "./chunk-parser.ts";
import { assembleYamlManifest, jsonValueManifest, parseJsonManifest, yamlChunks, type ManifestCache, type ParseResult } from "./parse-manifest-text.ts";
import type { YamlChunk } from "./split-yaml-stream.ts";

/** Files read below a folder. Any file named directly is read whatever its extension. */
export const MANIFEST_EXTENSIONS: ReadonlySet<string> = new Set([".yaml", ".yml", ".json"]);

/** How many bad documents one error message lists before "+N more". */
const MAX_ERRORS_SHOWN = 10;

/** The name `-` (standard input) gets in messages. */
export const STDIN_SOURCE = "<stdin>";

export interface ReadManifestsOptions {
  /** What `-` reads (the process's standard input, injected). */
  readonly stdin: NodeJS.ReadableStream;
  /** Shared by the before and after reads of one check: unchanged documents are parsed once. */
  readonly cache?: ManifestCache;
  /** Who parses YAML. Default: this thread. */
  readonly parser?: ChunkParser;
}

/** One input read: a JSON value already parsed (or a JSON error), or a YAML stream cut in chunks. */
type Source =
  | { readonly source: string; readonly json: ParseResult }
  | { readonly source: string; readonly chunks: readonly YamlChunk[] };

function unreadable(path: string, cause: unknown): AppError {
  // Node's fs messages already start with the code: "ENOENT: no such file or directory, stat 'x'".
  const reason = messageOf(cause);
  return new AppError("ERR_INPUT_UNREADABLE", `cannot read ${path}: ${reason}`, { cause });
}

/**
 * Every manifest file below a folder, in no particular order. Names starting with "." are skipped
 * (.git, .github workflows, editor files); symbolic links to files are followed, links to folders
 * are not (no cycles).
 */
async function filesBelow(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await filesBelow(path)));
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path)).isFile())) found.push(path);
    }
  }
  return found;
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Standard input is JSON when it parses as JSON (`kubectl get -o json`), else a YAML stream. */
function stdinSource(text: string): Source {
  if (/^\s*[{[]/.test(text)) {
    try {
      const value: unknown = JSON.parse(text);
      return { source: STDIN_SOURCE, json: jsonValueManifest(value, STDIN_SOURCE) };
    } catch {
      // Flow-style YAML starts with { or [ too.
    }
  }
  return { source: STDIN_SOURCE, chunks: yamlChunks(text) };
}

async function pathsOf(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    throw unreadable(path, cause);
  }
  if (!info.isDirectory()) return [path];
  let files: string[];
  try {
    files = await filesBelow(path);
  } catch (cause) {
    throw unreadable(path, cause);
  }
  // Code-unit order, not locale order: the same on every machine.
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) {
    throw new AppError("ERR_INPUT_UNREADABLE", `${path}: no .yaml, .yml or .json file below this folder`);
  }
  return files;
}

async function sourcesOf(path: string, stdin: NodeJS.ReadableStream): Promise<Source[]> {
  if (path === "-") {
    try {
      return [stdinSource(withoutBom(await readStream(stdin)))];
    } catch (cause) {
      throw unreadable(STDIN_SOURCE, cause);
    }
  }
  const files = await pathsOf(path);
  const texts = await Promise.all(
    files.map((file) => readFile(file, "utf8").then(withoutBom, (cause: unknown) => Promise.reject(unreadable(file, cause)))),
  );
  return files.map((file, i) => {
    const text = texts[i] ?? "";
    return extname(file).toLowerCase() === ".json" ? { source: file, json: parseJsonManifest(text, file) } : { source: file, chunks: yamlChunks(text) };
  });
}

/** Parses every chunk not in the cache yet, each distinct text once. */
async function parseMissing(sources: readonly Source[], cache: ManifestCache, parser: ChunkParser): Promise<void> {
  const missing = new Set<string>();
  for (const s of sources) {
    if ("chunks" in s) for (const chunk of s.chunks) if (!cache.has(chunk.text)) missing.add(chunk.text);
  }
  const texts = [...missing];
  const parsed = await parser.parse(texts);
  texts.forEach((text, i) => cache.set(text, parsed[i] ?? []));
}

/**
 * Reads PATH — a file, a folder (every .yaml/.yml/.json below it) or `-` (standard input) — into
 * Kubernetes objects, raw JSON kept exactly as written. Bad input throws ERR_MANIFEST_INVALID
 * naming every bad document (file, 1-based document index, line); nothing is silently skipped
 * except empty documents.
 */
export async function readManifests(path: string, options: ReadManifestsOptions): Promise<ManifestObject[]> {
  const sources = await sourcesOf(path, options.stdin);
  const cache = options.cache ?? new Map();
  await parseMissing(sources, cache, options.parser ?? inThreadChunkParser());
  const results = sources.map((s) => ("json" in s ? s.json : assembleYamlManifest(s.chunks, s.source, cache)));
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_ERRORS_SHOWN);
    const more = errors.length > shown.length ? `\n  … and ${errors.length - shown.length} more` : "";
    const heading = errors.length === 1 ? "" : `${errors.length} documents are not valid manifests:\n  `;
    throw new AppError("ERR_MANIFEST_INVALID", `${heading}${shown.join("\n  ")}${more}`);
  }
  return results.flatMap((r) => r.objects);
}
