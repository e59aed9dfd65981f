import { createInterface } from "node:readline/promises";
import { AppError } from "../errors.ts";
import { defaultPolicyPath } from "../adapters/fs/package-root.ts";
import { readManifests } from "../adapters/fs/read-manifests.ts";
import { readPolicyFile } from "../adapters/fs/read-policy-file.ts";
import { createKubeHttp, type KubeHttp } from "../adapters/kube/kube-http.ts";
import { loadKubeConfig } from "../adapters/kube/load-kube-config.ts";
import { planFor, runReplacement, type ProgressEvent, type ReplacementOutcome, type ReplacementRequest, type RunMode } from "../adapters/replace/run-replacement.ts";
import { isJsonObject, type JsonObject } from "../core/k8s/json.ts";
import { BUILTIN_KINDS, canonicalKind } from "../core/replace/kind-traits.ts";
import { formatPlanText, type ReplacementPlan } from "../core/replace/replace-plan.ts";
import type { ReplaceRef, TargetArg } from "../core/replace/replace-ref.ts";
import { outcomeText, progressLine } from "../core/replace/format-outcome.ts";
import { writeAll, type CommandIO } from "./io.ts";
import type { ReplaceOptions } from "./replace.ts";

/** Version of the `--format json` document (docs/replace.md). */
export const REPLACE_JSON_SCHEMA = 1;

/** On a pipe, a waiting step reports at most this often (a terminal gets every poll on one rewritten line). */
const PIPE_PROGRESS_EVERY_MS = 10_000;

/** The apiVersion of the target: the built-in table, or the group's preferred version (discovery) for custom kinds. */
async function resolveTarget(arg: TargetArg, http: KubeHttp): Promise<ReplaceRef> {
  const canonical = arg.group === undefined ? canonicalKind(arg.kind) : undefined;
  const builtin = canonical === undefined ? undefined : BUILTIN_KINDS.get(canonical);
  if (canonical !== undefined && builtin !== undefined) return { apiVersion: builtin.apiVersion, kind: canonical, namespace: builtin.namespaced ? arg.namespace : "", name: arg.name };
  if (arg.group === undefined) throw new AppError("ERR_USAGE", `replace: unknown kind ${arg.kind}: name a custom kind with its group (Kind.group/NAMESPACE/NAME)`);
  const r = await http.request("GET", `/apis/${encodeURIComponent(arg.group)}`);
  const preferred = isJsonObject(r.body) && isJsonObject(r.body["preferredVersion"]) ? r.body["preferredVersion"]["groupVersion"] : undefined;
  if (r.status !== 200 || typeof preferred !== "string") throw new AppError("ERR_USAGE", `replace: the API server serves no group ${arg.group}`);
  return { apiVersion: preferred, kind: arg.kind, namespace: arg.namespace, name: arg.name };
}

/** The target's own manifest from --desired, and the others of the same change. */
async function readDesired(path: string, target: ReplaceRef, io: CommandIO): Promise<{ desired: JsonObject; others: JsonObject[] }> {
  const manifests = await readManifests(path, { stdin: io.stdin });
  const inNamespace = (ns: string | undefined): boolean => (ns ?? target.namespace) === target.namespace;
  const mine = manifests.filter((m) => m.kind === target.kind && m.name === target.name && inNamespace(m.namespace));
  if (mine.length === 0) throw new AppError("ERR_MANIFEST_INVALID", `replace: ${path} holds no ${target.kind} ${target.name}`);
  if (mine.length > 1) throw new AppError("ERR_MANIFEST_DUPLICATE", `replace: ${path} holds ${target.kind} ${target.name} ${mine.length} times`);
  const withNamespace = (o: JsonObject): JsonObject => {
    const meta = isJsonObject(o["metadata"]) ? o["metadata"] : {};
    return target.namespace === "" || typeof meta["namespace"] === "string" ? o : { ...o, metadata: { ...meta, namespace: target.namespace } };
  };
  return { desired: withNamespace(mine[0]!.object), others: manifests.filter((m) => m !== mine[0] && inNamespace(m.namespace)).map((m) => withNamespace(m.object)) };
}

async function confirm(io: CommandIO): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const answer = await rl.question("Carry out this plan? [y/N] ");
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function exitCodeOf(o: ReplacementOutcome): number {
  switch (o.kind) {
    case "replaced":
      return 0;
    case "interrupted":
      return 3;
    default:
      return 1;
  }
}

/** Progress lines: rewritten in place on a terminal, one per state change (waits throttled) on a pipe. */
function progressPrinter(io: CommandIO, now: () => number): (e: ProgressEvent) => void {
  let lastWait = 0;
  return (e) => {
    if (e.type === "planned") {
      if (e.resumed) io.stderr.write(`resuming the journaled replacement (${e.journal})\n`);
      return;
    }
    if (e.type === "phase") {
      if (e.phase === "rolling-back") io.stderr.write(`${io.isTTY ? "\n" : ""}rolling back: ${e.reason ?? ""}\n`);
      return;
    }
    const line = progressLine(e);
    if (io.isTTY) {
      io.stderr.write(`\r\x1b[2K${line}${e.state === "done" || e.state === "skipped" ? "\n" : ""}`);
      return;
    }
    if (e.state === "waiting") {
      if (now() - lastWait < PIPE_PROGRESS_EVERY_MS) return;
      lastWait = now();
    }
    io.stderr.write(`${line}\n`);
  };
}

/** The request the engine gets: target, settings (policy, --timeout), desired objects (--desired), strategy. */
async function requestOf(arg: TargetArg, options: ReplaceOptions, io: CommandIO, http: KubeHttp): Promise<ReplacementRequest> {
  const { policy } = await readPolicyFile(options.policyFile ?? defaultPolicyPath());
  const settings = { ...policy.replace, ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }) };
  const target = await resolveTarget(arg, http);
  const fromFile = options.desired === undefined ? undefined : await readDesired(options.desired, target, io);
  return {
    target, settings,
    ...(fromFile === undefined ? {} : { desired: fromFile.desired, desiredOthers: fromFile.others }),
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
  };
}

function jsonDocument(dryRun: boolean, plan: ReplacementPlan | undefined, outcome: unknown): string {
  return `${JSON.stringify({ schemaVersion: REPLACE_JSON_SCHEMA, dryRun, plan: plan ?? null, outcome }, null, 2)}\n`;
}

/**
 * Prints the plan; with --dry-run (or a refusal) that is all; else asks on a terminal (--yes
 * skips it; off a terminal --yes is required). Returns the exit code to stop with, or undefined to go on.
 */
async function showPlan(plan: ReplacementPlan, options: ReplaceOptions, io: CommandIO): Promise<number | undefined> {
  const json = options.format === "json";
  if (!json) await writeAll(io.stdout, formatPlanText(plan));
  if (options.dryRun || plan.kind === "refusal") {
    if (json) await writeAll(io.stdout, jsonDocument(options.dryRun, plan, plan.kind === "refusal" ? { kind: "refused" } : null));
    return plan.kind === "refusal" ? 1 : 0;
  }
  if (options.yes) return undefined;
  if (!io.isTTY) throw new AppError("ERR_USAGE", "replace: not on a terminal: add --yes to carry out the plan (or --dry-run to only print it)");
  if (await confirm(io)) return undefined;
  await writeAll(io.stderr, "not confirmed: nothing changed\n");
  return 1;
}

/** Runs `replace` and returns its exit code. */
export async function runReplace(arg: TargetArg, options: ReplaceOptions, io: CommandIO): Promise<number> {
  const kc = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), env: io.env });
  const http = createKubeHttp(kc);
  const request = await requestOf(arg, options, io, http);
  const journalNamespace = options.namespace ?? io.env["POD_NAMESPACE"] ?? "gitops-guard";
  const json = options.format === "json";
  const plan = options.resume ? undefined : await planFor(request, { http });
  if (plan !== undefined) {
    const stop = await showPlan(plan, options, io);
    if (stop !== undefined) return stop;
  }
  const abort = new AbortController();
  io.onSignal("SIGINT", () => abort.abort());
  io.onSignal("SIGTERM", () => abort.abort());
  const mode: RunMode = options.resume ? "resume" : "start";
  const outcome = await runReplacement(request, mode, {
    http, journalNamespace, identity: `replace-cli@${io.env["USER"] ?? "unknown"}`,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    signal: abort.signal,
    ...(json ? {} : { onProgress: progressPrinter(io, () => Date.now()) }),
  });
  await writeAll(io.stdout, json ? jsonDocument(false, plan, outcome) : outcomeText(outcome, journalNamespace));
  return exitCodeOf(outcome);
}
