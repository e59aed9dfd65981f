import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { compareReleases, formatRelease, isKnownRelease, knownReleases, parseRelease } from "../../src/core/kube/kube-release.ts";
import { isGateName } from "../../src/core/kube/feature-gates.ts";

/**
 * The conformance corpus (test/conformance/pairs/**): every file holds three YAML documents, a
 * header saying what kube-apiserver does with the UPDATE, the live object as stored, and the
 * object it is asked to store. The same format test/conformance/conformance.test.ts reads. A
 * header may date the verdict (`since`/`until`: the pair with the other verdict covers the other
 * releases), set feature gates, and name the subresource written (`resize`).
 */
export const CONFORMANCE_PAIRS = join(dirname(fileURLToPath(import.meta.url)), "..", "conformance", "pairs");

const release = z.string().refine((text) => {
  const parsed = parseRelease(text);
  return parsed !== undefined && isKnownRelease(parsed);
}, "a release the catalogue knows, like 1.36");

const headerSchema = z
  .object({
    expect: z.enum(["refused", "accepted"]),
    /** Field paths the API server refuses to change (Kubernetes field-path notation); refused only. */
    paths: z.array(z.string().min(1)).default([]),
    why: z.string().min(1),
    source: z.string().min(1),
    /** First release the verdict holds in (`"1.36"`); default: every release the catalogue knows. */
    since: release.optional(),
    /** First release it no longer holds in (exclusive): the pair with the other verdict starts there. */
    until: release.optional(),
    /** Feature gates set differently from the release's defaults (as a policy's kubernetes.featureGates). */
    featureGates: z.record(z.string().refine((name): boolean => isGateName(name), "a known feature gate"), z.boolean()).default({}),
    /** The subresource written (`resize`, `ephemeralcontainers`); default: the main resource. */
    subresource: z.enum(["resize", "ephemeralcontainers"]).optional(),
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
  /** The releases (`1.33` … `1.37`) the verdict holds in, from the header's since/until. */
  readonly releases: readonly string[];
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
  const since = parsed.data.since !== undefined ? parseRelease(parsed.data.since) : undefined;
  const until = parsed.data.until !== undefined ? parseRelease(parsed.data.until) : undefined;
  const releases = knownReleases()
    .filter((r) => (!since || compareReleases(r, since) >= 0) && (!until || compareReleases(r, until) < 0))
    .map(formatRelease);
  if (releases.length === 0) throw new Error(`${name}: since/until leave no known release`);
  return { name, header: parsed.data, releases, old: oldDoc, new: newDoc };
}

/** Every pair of the corpus, sorted by file name (a stable order: property seeds depend on it). */
export function conformancePairs(): ConformancePair[] {
  return yamlFiles(CONFORMANCE_PAIRS).map(loadPair);
}

/**
 * The pairs whose verdict holds on the newest release the catalogue knows with its default gates,
 * on the main resource: what a test judging with builtinCatalogue() may assert their headers on.
 */
export function pairsAtNewestRelease(): ConformancePair[] {
  const newest = knownReleases().map(formatRelease).at(-1);
  return conformancePairs().filter((p) => newest !== undefined && p.releases.includes(newest) && Object.keys(p.header.featureGates).length === 0 && p.header.subresource === undefined);
}
