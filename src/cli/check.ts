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
import { formatImpactMarkdown } from "../core/impact/format-markdown.ts";
import { formatImpactSarif } from "../core/impact/format-sarif.ts";
import type { ImpactReport } from "../core/impact/impact-report.ts";
import { checkExitCode } from "../core/impact/check-gate.ts";
import { RISK_LEVELS } from "../core/impact/risk-level.ts";
import type { UnreadableCrd } from "../core/impact/unreadable-crds.ts";
import { getAt } from "../core/k8s/field-path.ts";
import { fieldLineLookup, type FieldLineRequest } from "../adapters/fs/field-lines.ts";
import { packageVersion } from "../adapters/fs/package-version.ts";
import { formatLocation, type ManifestObject } from "../core/impact/manifest-object.ts";
import type { DuplicateIdentity } from "../core/impact/pair-objects.ts";
import { describeObject } from "../core/k8s/kube-object.ts";
import { parseRelease } from "../core/kube/kube-release.ts";
import { kubeVersionSchema } from "../core/policy/policy-schema.ts";
import { policyCatalogue } from "../core/policy/active-policy.ts";
import { declaredRulesFromCrd, type CrdRuleOptions } from "../core/crd/declared-rules-from-crd.ts";
import { createCelCompiler } from "../core/crd/cel/cel-compiler.ts";
import type { Rule } from "../core/rules/rule.ts";
import type { CommandIO } from "./io.ts";
import { writeAll } from "./io.ts";
import type { RegisterCommand } from "./main.ts";

const FORMATS = ["text", "json", "markdown", "sarif"] as const;

/** Where the SARIF rules' help links point (docs/check.md of the project). */
const CHECK_DOCS_URL = "https://github.com/gitops-guard/gitops-guard/blob/main/docs/check.md";

/** SARIF runAutomationDetails.id unless --sarif-category says otherwise: distinct from other tools' uploads. */
export const DEFAULT_SARIF_CATEGORY = "gitops-guard/check/";

/** commander's parsed options, checked once here (they are input like any other). */
const checkOptionsSchema = z.object({
  before: z.string().min(1).optional(),
  after: z.string().min(1),
  /** Pair --after with the live objects instead of --before (docs/check.md "Live mode"). */
  live: z.boolean().default(false),
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** With --live: also send each changed object as a server-side dry run. */
  serverDryRun: z.boolean().default(false),
  format: z.enum(FORMATS),
  policyFile: z.string().min(1).optional(),
  crds: z.string().min(1).optional(),
  /** `1.NN`: the release to judge against (default: the policy's kubernetes.version, else the newest known). */
  kubeVersion: kubeVersionSchema.optional(),
  failOn: z.enum(RISK_LEVELS).optional(),
  sarifCategory: z.string().min(1).default(DEFAULT_SARIF_CATEGORY),
});

export type CheckOptions = z.infer<typeof checkOptionsSchema>;

/** How many duplicate identities one error message lists. */
const MAX_DUPLICATES_SHOWN = 10;

/**
 * The declared rules of the CustomResourceDefinitions given with --crds and found among the
 * manifests, one CRD per name: --crds first, then the after set (Flux applies CRDs before the
 * resources that use them), then the before set.
 */
function crdRules(sources: readonly (readonly ManifestObject[])[], unreadable: UnreadableCrd[]): Rule[] {
  // Every rule, with and without oldSelf: check reports what the API server will refuse (ADR 0006).
  const options: CrdRuleOptions = { scope: "all", compiler: createCelCompiler(), now: () => performance.now() };
  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const objects of sources) {
    for (const crd of objects.filter((o) => o.kind === "CustomResourceDefinition" && o.apiVersion.startsWith("apiextensions.k8s.io/"))) {
      if (seen.has(crd.name)) continue;
      seen.add(crd.name);
      const result = declaredRulesFromCrd(crd.object, options);
      // A CRD whose shape is not understood (legacy v1beta1 `spec.version`, a malformed schema) is
      // reported on, never a reason to stop: everything else is still judged.
      if (result.ok) rules.push(...result.rules);
      else unreadable.push(unreadableCrd(crd, result.error));
    }
  }
  return rules;
}

function unreadableCrd(crd: ManifestObject, reason: string): UnreadableCrd {
  const group = getAt(crd.object, ["spec", "group"]);
  const kind = getAt(crd.object, ["spec", "names", "kind"]);
  return { name: crd.name, group: typeof group === "string" ? group : undefined, kind: typeof kind === "string" ? kind : undefined, reason };
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
async function readBothSides(options: CheckOptions & { readonly before: string }, io: CommandIO): Promise<[ManifestObject[], ManifestObject[]]> {
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

/** Runs check and returns its exit code: 0 nothing blocking, 1 blocking findings or over --fail-on (errors throw). */
/** The flag combinations check accepts (commander checks each flag alone). */
function checkUsage(options: CheckOptions): void {
  if (options.live && options.before !== undefined) throw new AppError("ERR_USAGE", "--live reads the before side from the cluster: leave --before out");
  if (!options.live && options.before === undefined) throw new AppError("ERR_USAGE", "check needs --before PATH (or --live to compare with the cluster)");
  if (!options.live && (options.serverDryRun || options.kubeconfig !== undefined || options.context !== undefined)) {
    throw new AppError("ERR_USAGE", "--server-dry-run, --kubeconfig and --context need --live");
  }
  if (options.before === "-" && options.after === "-") {
    throw new AppError("ERR_USAGE", "--before and --after cannot both read standard input (-)");
  }
  if (options.live && options.crds === "-" && options.after === "-") throw new AppError("ERR_USAGE", "--crds and --after cannot both read standard input (-)");
}

/** Runs check and returns its exit code: 0 nothing blocking, 1 blocking findings or over --fail-on (errors throw). */
export async function runCheck(options: CheckOptions, io: CommandIO): Promise<number> {
  checkUsage(options);
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  // Imported only with --live: client-node is the largest module of the binary, and offline check never needs it.
  const live = options.live ? await (await import("./check-live.ts")).readLiveInputs(options, io) : undefined;
  const [before, after] = live ? [live.before, live.after] : await readBothSides({ ...options, before: options.before ?? "" }, io);
  const crds = options.crds ? await readManifests(options.crds, { stdin: io.stdin }) : [];
  const unreadableCrds: UnreadableCrd[] = [];
  const flag = options.kubeVersion !== undefined ? parseRelease(options.kubeVersion) : undefined;
  // Live: the server's own release, unless --kube-version says which release to judge against (an upgrade ahead).
  const release = flag ? { flag } : live ? { apiServer: live.release } : {};
  const catalogue = policyCatalogue(policy, crdRules([crds, after, before], unreadableCrds), release);
  const result = analyzeImpact({
    before,
    after,
    catalogue,
    safeguards: policy.check.safeguards,
    unreadableCrds,
    ...(live ? { live: live.source, apiServing: { release: flag ?? live.release, served: live.served } } : {}),
  });
  if (!result.ok) throw duplicateError(result.duplicates);
  const report = live && options.serverDryRun ? await live.dryRun(result.report) : result.report;
  await writeAll(io.stdout, await render(report, options, io, policy.check.safeguards.annotation));
  return checkExitCode(report, options.failOn);
}

/** The field lines the Markdown and SARIF formats pin findings to (read again from the after files). */
function lineRequests(report: ImpactReport): FieldLineRequest[] {
  return report.resources.flatMap((r) => {
    const location = r.sources.after ?? r.sources.before;
    return location ? [{ location, path: "" }, ...r.findings.map((f) => ({ location, path: f.path }))] : [];
  });
}

async function render(report: ImpactReport, options: CheckOptions, io: CommandIO, annotation: string): Promise<string> {
  switch (options.format) {
    case "json":
      return formatImpactJson(report);
    case "text":
      return formatImpactText(report, { color: wantsColor(io) });
    case "markdown":
      return formatImpactMarkdown(report, { lineOf: await fieldLineLookup(lineRequests(report)), safeguardAnnotation: annotation });
    case "sarif": {
      const lineOf = await fieldLineLookup(lineRequests(report));
      return formatImpactSarif(report, { lineOf, toolVersion: packageVersion(), category: options.sarifCategory, docsUrl: CHECK_DOCS_URL });
    }
  }
}

/**
 * `gitops-guard check --before PATH --after PATH [--format text|json|markdown|sarif] [--fail-on RISK] [--policy-file FILE] [--crds PATH] [--kube-version 1.NN]`,
 * or `check --live --after PATH [--kubeconfig FILE] [--context NAME] [--server-dry-run] …`.
 */
export const registerCheck: RegisterCommand = (program, io, setExitCode) => {
  program
    .command("check")
    .description(
      "compare two manifest sets (files, folders or - for stdin), or the manifests with the live cluster (--live), and report what the API server would refuse; " +
        "exit 0 nothing blocking, 1 blocking findings, 2 usage or input error, 3 runtime error",
    )
    .option("--before <path>", "the manifests as they are now (file, folder or -); not with --live")
    .requiredOption("--after <path>", "the manifests as they will be (file, folder or -)")
    .option("--live", "compare --after with the live objects of the cluster (one LIST per kind and namespace)")
    .option("--kubeconfig <file>", "with --live: the kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)")
    .option("--context <name>", "with --live: the kubeconfig context (default: its current context)")
    .option("--server-dry-run", "with --live: also send each changed object as a server-side dry run and report the API server's verdict beside ours")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
    .option("--policy-file <file>", "policy whose customRules add declared/risky fields (default: the embedded policy)")
    .option("--crds <path>", "CustomResourceDefinitions whose x-kubernetes-validations immutability rules apply (CRDs among the manifests are read too)")
    .option("--kube-version <1.NN>", "the Kubernetes release to judge against (default: the policy's kubernetes.version, else the newest the catalogue knows)")
    .addOption(
      new Option("--fail-on <risk>", "exit 1 when an object at this risk or above lacks a safeguard (default: on blocking findings)").choices(RISK_LEVELS),
    )
    .option("--sarif-category <id>", "SARIF runAutomationDetails.id (GitHub category)", DEFAULT_SARIF_CATEGORY)
    .action(async (raw: unknown) => {
      const parsed = checkOptionsSchema.safeParse(raw);
      if (!parsed.success) throw new AppError("ERR_USAGE", `check: ${parsed.error.issues.map((i) => `${i.path[0] === "kubeVersion" ? "--kube-version: " : ""}${i.message}`).join("; ")}`);
      setExitCode(await runCheck(parsed.data, io));
    });
};
