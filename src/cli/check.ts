import { Option } from "commander";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { readManifests } from "../adapters/fs/read-manifests.ts";
import type { ManifestCache } from "../adapters/fs/parse-manifest-text.ts";
import { parallelChunkParser } from "../adapters/fs/chunk-parser.ts";
import { analyzeImpact } from "../core/impact/analyze-impact.ts";
import { formatImpactJson } from "../core/impact/format-json.ts";
import { formatImpactText } from "../core/impact/format-text.ts";
import { formatLocation, type ManifestObject } from "../core/impact/manifest-object.ts";
import type { DuplicateIdentity } from "../core/impact/pair-objects.ts";
import { describeObject } from "../core/k8s/kube-object.ts";
import { parseRelease } from "../core/kube/kube-release.ts";
import { kubeVersionSchema } from "../core/policy/policy-schema.ts";
import { policyCatalogue } from "../core/policy/active-policy.ts";
import { declaredRulesFromCrd } from "../core/crd/declared-rules-from-crd.ts";
import type { Rule } from "../core/rules/rule.ts";
import type { CommandIO } from "./io.ts";
import { writeAll } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

const FORMATS = ["text", "json"] as const;

/** commander's parsed options, checked once here (they are input like any other). */
const checkOptionsSchema = z.object({
  before: z.string().min(1),
  after: z.string().min(1),
  format: z.enum(FORMATS),
  policyFile: z.string().min(1).optional(),
  crds: z.string().min(1).optional(),
  /** `1.NN`: the release to judge against (default: the policy's kubernetes.version, else the newest known). */
  kubeVersion: kubeVersionSchema.optional(),
});

export type CheckOptions = z.infer<typeof checkOptionsSchema>;

/** How many duplicate identities one error message lists. */
const MAX_DUPLICATES_SHOWN = 10;

/**
 * The declared rules of the CustomResourceDefinitions given with --crds and found among the
 * manifests, one CRD per name: --crds first, then the after set (Flux applies CRDs before the
 * resources that use them), then the before set.
 */
function crdRules(sources: readonly (readonly ManifestObject[])[]): Rule[] {
  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const objects of sources) {
    for (const crd of objects.filter((o) => o.kind === "CustomResourceDefinition" && o.apiVersion.startsWith("apiextensions.k8s.io/"))) {
      if (seen.has(crd.name)) continue;
      seen.add(crd.name);
      const result = declaredRulesFromCrd(crd.object);
      if (!result.ok) throw new AppError("ERR_MANIFEST_INVALID", `${formatLocation(crd.location)}: not a valid CustomResourceDefinition: ${result.error}`);
      rules.push(...result.rules);
    }
  }
  return rules;
}

function duplicateError(duplicates: readonly DuplicateIdentity[]): AppError {
  const lines = duplicates.slice(0, MAX_DUPLICATES_SHOWN).map((d) => {
    const { group, kind, namespace, name } = d.identity;
    const object = `${describeObject(kind, namespace, name)}${group ? ` (${group})` : ""}`;
    return `the ${d.side} set defines ${object} more than once: ${d.locations.map(formatLocation).join(", ")}`;
  });
  const more = duplicates.length > lines.length ? `\n  … and ${duplicates.length - lines.length} more` : "";
  return new AppError("ERR_MANIFEST_DUPLICATE", `${lines.join("\n  ")}${more}`);
}

/** Colour on a terminal unless NO_COLOR is set to anything (no-color.org). */
function wantsColor(io: CommandIO): boolean {
  const noColor = io.env["NO_COLOR"];
  return io.isTTY && (noColor === undefined || noColor === "");
}

/** Reads --before, then --after, sharing parsed documents and one parsing worker between them. */
async function readBothSides(options: CheckOptions, io: CommandIO): Promise<[ManifestObject[], ManifestObject[]]> {
  const cache: ManifestCache = new Map();
  const parser = parallelChunkParser();
  try {
    const before = await readManifests(options.before, { stdin: io.stdin, cache, parser });
    const after = await readManifests(options.after, { stdin: io.stdin, cache, parser });
    return [before, after];
  } finally {
    await parser.close();
  }
}

/** Runs check and returns its exit code: 0 nothing blocking, 1 blocking findings (errors throw). */
export async function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  if (options.before === "-" && options.after === "-") {
    throw new AppError("ERR_USAGE", "--before and --after cannot both read standard input (-)");
  }
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  const [before, after] = await readBothSides(options, io);
  const crds = options.crds ? await readManifests(options.crds, { stdin: io.stdin }) : [];
  const flag = options.kubeVersion !== undefined ? parseRelease(options.kubeVersion) : undefined;
  const catalogue = policyCatalogue(policy, crdRules([crds, after, before]), flag ? { flag } : {});
  const result = analyzeImpact({ before, after, catalogue });
  if (!result.ok) throw duplicateError(result.duplicates);
  const { report } = result;
  const text = options.format === "json" ? formatImpactJson(report) : formatImpactText(report, { color: wantsColor(io) });
  await writeAll(io.stdout, text);
  return report.summary.blocking > 0 ? 1 : 0;
}

/** `gitops-guard check --before PATH --after PATH [--format text|json] [--policy-file FILE] [--crds PATH] [--kube-version 1.NN]`. */
export const registerCheck: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("check")
    .description(
      "compare two manifest sets (files, folders or - for stdin) and report what the API server would refuse; " +
        "exit 0 nothing blocking, 1 blocking findings, 2 usage or input error, 3 runtime error",
    )
    .requiredOption("--before <path>", "the manifests as they are now (file, folder or -)")
    .requiredOption("--after <path>", "the manifests as they will be (file, folder or -)")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--policy-file <file>", "policy whose customRules add declared/risky fields (default: the embedded policy)")
    .option("--crds <path>", "CustomResourceDefinitions whose x-kubernetes-validations immutability rules apply (CRDs among the manifests are read too)")
    .option("--kube-version <1.NN>", "the Kubernetes release to judge against (default: the policy's kubernetes.version, else the newest the catalogue knows)")
    .action(async (raw: unknown) => {
      const parsed = checkOptionsSchema.safeParse(raw);
      if (!parsed.success) throw new AppError("ERR_USAGE", `check: ${parsed.error.issues.map((i) => `${i.path[0] === "kubeVersion" ? "--kube-version: " : ""}${i.message}`).join("; ")}`);
      setExitCode(await runCheck(parsed.data, io));
    });
};
