import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";

/**
 * The conformance corpus (test/conformance/pairs/**): every file holds three YAML documents, a
 * header saying what kube-apiserver does with the UPDATE, the live object as stored, and the
 * object it is asked to store. The same format test/conformance/conformance.test.ts reads.
 */
export const CONFORMANCE_PAIRS = join(dirname(fileURLToPath(import.meta.url)), "..", "conformance", "pairs");

const headerSchema = z
  .object({
    expect: z.enum(["refused", "accepted"]),
    /** Field paths the API server refuses to change (Kubernetes field-path notation); refused only. */
    paths: z.array(z.string().min(1)).default([]),
    why: z.string().min(1),
    source: z.string().min(1),
  })
  .strict()
  .refine((h) => (h.expect === "refused") === (h.paths.length > 0), {
    message: "refused pairs name at least one path; accepted pairs name none",
  });

export type ConformanceHeader = z.infer<typeof headerSchema>;

export interface ConformancePair {
  /** Path below pairs/ without `.yaml`: `apps-deployment/selector-label-added`. */
  readonly name: string;
  readonly header: ConformanceHeader;
  readonly old: JsonObject;
  readonly new: JsonObject;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return entry.name.endsWith(".yaml") ? [path] : [];
    })
    .sort();
}

function loadPair(file: string): ConformancePair {
  const name = relative(CONFORMANCE_PAIRS, file).replace(/\.yaml$/, "");
  const docs = parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]?.message}`);
    return doc.toJSON() as JsonValue;
  });
  const [header, oldDoc, newDoc] = docs;
  if (docs.length !== 3 || !isJsonObject(oldDoc) || !isJsonObject(newDoc)) {
    throw new Error(`${name}: expected three documents (header, old, new), found ${docs.length}`);
  }
  const parsed = headerSchema.safeParse(header);
  if (!parsed.success) throw new Error(`${name}: bad header: ${parsed.error.message}`);
  return { name, header: parsed.data, old: oldDoc, new: newDoc };
}

/** Every pair of the corpus, sorted by file name (a stable order: property seeds depend on it). */
export function conformancePairs(): ConformancePair[] {
  return yamlFiles(CONFORMANCE_PAIRS).map(loadPair);
}
