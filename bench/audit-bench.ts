/**
 * Benchmark of `gitops-guard audit`: throughput and peak memory on 1,000,000 decision records and
 * a large Kubernetes audit log.
 *
 * `node bench/audit-bench.ts [--records 1000000] [--audit-mb 300] [--runs 3]` writes the inputs
 * once into bench/results/audit/ (ignored by git; reused while their size matches), then times
 * `audit --format json` on each in a fresh process (bench/audit-run.ts: wall time of main(), peak
 * RSS from getrusage) and prints lines/s, MB/s and peak RSS, medians of --runs runs.
 *
 * Records: 20,000 objects in 50 namespaces over 7 days; 70 % allow, 10 % deny, 8 % mark, 7 %
 * restore, 5 % warn; 30 % dry runs; every 5th with a decision id. The audit log: requests of
 * every verb, most with RequestReceived and ResponseComplete events (Metadata level, real
 * annotation sets: authorization, our mutation annotation and audit annotations), 5 % webhook
 * denials, 2 % 409s, 1 % immutable 422s, 1 % RBAC 403s, a dry run in ten.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, statSync } from "node:fs";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { availableParallelism, loadavg } from "node:os";
import { median } from "./median.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "bench", "results", "audit");

const { values } = parseArgs({ options: { records: { type: "string", default: "1000000" }, "audit-mb": { type: "string", default: "300" }, runs: { type: "string", default: "3" } } });
const RECORDS = Number(values.records);
const AUDIT_BYTES = Number(values["audit-mb"]) * 1_000_000;
const RUNS = Number(values.runs);

const ACTIONS = [["allow", 70], ["deny", 10], ["mark", 8], ["restore", 7], ["warn", 5]] as const;
const pick = (i: number): string => {
  let r = (i * 7919) % 100;
  for (const [action, share] of ACTIONS) if ((r -= share) < 0) return action;
  return "allow";
};
const START = Date.parse("2026-11-24T00:00:00Z");

/** Writes lines through a stream in 1 MiB batches, honouring back-pressure. */
async function writeLines(path: string, count: (i: number) => string | undefined): Promise<number> {
  const stream = createWriteStream(path);
  let batch = "";
  let i = 0;
  for (;;) {
    const line = count(i++);
    if (line === undefined) break;
    batch += line;
    if (batch.length > 1 << 20) {
      if (!stream.write(batch)) await once(stream, "drain");
      batch = "";
    }
  }
  stream.end(batch);
  await once(stream, "finish");
  return i - 1;
}

function recordLine(i: number): string {
  const action = pick(i);
  const ns = `team-${i % 50}`;
  const name = `app-${i % 20_000}`;
  const time = new Date(START + Math.floor((i / RECORDS) * 7 * 86_400_000)).toISOString();
  const conflict = action === "deny" || action === "mark";
  const findings = conflict
    ? `[{"ruleId":"apps.Deployment.selector","path":"spec.selector","class":"immutable","severity":"blocking","from":{"matchLabels":{"app":"${name}"}},"to":{"matchLabels":{"app":"${name}","v":"${i % 3}"}}}]`
    : action === "restore" ? `[{"ruleId":"core.Service.clusterIP","path":"spec.clusterIP","class":"server-assigned","severity":"warning","from":"10.96.0.${i % 250}","to":""}]` : "[]";
  const denied = action === "deny";
  return `{"v":1,"time":"${time}","webhook":"mutate","uid":"${i.toString(16).padStart(8, "0")}-1d3e-4f5a-9b6c-7d8e9f0a1b2c","operation":"UPDATE","dryRun":${i % 10 < 3},"group":"apps","version":"v1","kind":"Deployment","resource":"deployments","namespace":"${ns}","name":"${name}","user":"system:serviceaccount:flux-system:kustomize-controller","fieldManager":"kustomize-controller","owner":"${i % 4 === 0 ? "helm" : "flux"}","action":"${action}","enforcedAction":"${action}","mode":"enforce",${action === "mark" ? '"strategy":"recreate",' : ""}"reason":"r","allowed":${!denied},${denied ? '"code":422,' : ""}"findings":${findings},"patchPaths":[],"policyVersion":"configmap/gitops-guard/gitops-guard-policy#${1 + Math.floor(i / 250_000)}@8c1f0e2a9b3d4c5e","latencyMs":${(0.2 + (i % 97) / 100).toFixed(2)}${i % 5 === 0 ? `,"decisionId":"d-${i}"` : ""}}\n`;
}

const VERBS = ["get", "list", "watch", "update", "patch", "create", "delete", "get", "list", "patch"];

function auditRequest(i: number): string {
  const id = `${(i >>> 0).toString(16).padStart(8, "0")}-0000-4000-8000-${(i * 2654435761 >>> 0).toString(16).padStart(12, "0")}`;
  const verb = VERBS[i % VERBS.length]!;
  const ns = `team-${i % 50}`;
  const name = `app-${i % 20_000}`;
  const t = new Date(START + (i % 604_800) * 1000).toISOString().replace("Z", "123Z");
  const dry = verb === "patch" && i % 10 === 0 ? "dryRun=All&" : "";
  const uri = `/apis/apps/v1/namespaces/${ns}/deployments/${name}?${dry}fieldManager=kustomize-controller`;
  const r = i % 100;
  const status = r < 5 ? `{"metadata":{},"status":"Failure","message":"admission webhook \\"${r < 3 ? "mutate.gitops-guard.io" : "validation.gatekeeper.sh"}\\" denied the request: Deployment ${ns}/${name}: spec.selector cannot change in place","reason":"Invalid","code":422}`
    : r < 7 ? `{"metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \\"${name}\\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","code":409}`
      : r === 7 ? `{"metadata":{},"status":"Failure","message":"Deployment.apps \\"${name}\\" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable","reason":"Invalid","code":422}`
        : r === 8 ? `{"metadata":{},"status":"Failure","message":"deployments.apps \\"${name}\\" is forbidden","reason":"Forbidden","code":403}` : `{"metadata":{},"code":200}`;
  const writes = verb === "update" || verb === "patch" || verb === "create";
  const ours = writes && r !== 7 ? `,"mutation.webhook.admission.k8s.io/round_0_index_3":"{\\"configuration\\":\\"gitops-guard\\",\\"webhook\\":\\"mutate.gitops-guard.io\\",\\"mutated\\":false}","mutate.gitops-guard.io/action":"allow","mutate.gitops-guard.io/decision-id":"d-${i}"` : "";
  const base = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"${id}","requestURI":"${uri}","verb":"${verb}","user":{"username":"system:serviceaccount:flux-system:kustomize-controller","uid":"5f0e","groups":["system:serviceaccounts","system:serviceaccounts:flux-system","system:authenticated"]},"sourceIPs":["10.244.0.12"],"userAgent":"kustomize-controller/v1.6.0","objectRef":{"resource":"deployments","namespace":"${ns}","name":"${name}","apiGroup":"apps","apiVersion":"v1"}`;
  const received = `${base},"stage":"RequestReceived","requestReceivedTimestamp":"${t}","stageTimestamp":"${t}"}\n`;
  const complete = `${base},"stage":"ResponseComplete","responseStatus":${status},"requestReceivedTimestamp":"${t}","stageTimestamp":"${t}","annotations":{"authorization.k8s.io/decision":"${r === 8 ? "forbid" : "allow"}","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"flux-system\\""${ours}}}\n`;
  return received + complete;
}

async function ensureInputs(): Promise<{ records: string; audit: string }> {
  mkdirSync(OUT, { recursive: true });
  const records = join(OUT, `records-${RECORDS}.jsonl`);
  const audit = join(OUT, `kube-audit-${values["audit-mb"]}mb.jsonl`);
  if (!existsSync(records)) {
    const started = performance.now();
    await writeLines(records, (i) => (i < RECORDS ? recordLine(i) : undefined));
    console.error(`wrote ${records} (${(statSync(records).size / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(audit)) {
    const started = performance.now();
    let written = 0;
    await writeLines(audit, (i) => {
      if (written >= AUDIT_BYTES) return undefined;
      const text = auditRequest(i);
      written += text.length;
      return text;
    });
    console.error(`wrote ${audit} (${(statSync(audit).size / 1e6).toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { records, audit };
}

interface Run {
  readonly ms: number;
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  readonly lines: number;
  readonly bytes: number;
}

async function runOnce(file: string): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, "bench", "audit-run.ts"), file], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`audit-run exited ${code}`);
  return JSON.parse(out) as Run;
}

const inputs = await ensureInputs();
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${availableParallelism()} CPUs`);
console.log("| input | size | lines | lines/s (wall) | MB/s (wall) | lines per CPU-second | MB per CPU-second | peak RSS | runs (wall) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [label, file] of [["records", inputs.records], ["kube-audit", inputs.audit]] as const) {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(file));
  const ms = median(runs.map((r) => r.ms));
  const cpu = median(runs.map((r) => r.cpuMs));
  const rss = median(runs.map((r) => r.maxRssMiB));
  const { lines, bytes } = runs[0]!;
  const per = (n: number, t: number): string => Math.round(n / (t / 1000)).toLocaleString("en");
  console.log(`| ${label} | ${(bytes / 1e6).toFixed(0)} MB | ${lines.toLocaleString("en")} | ${per(lines, ms)} | ${(bytes / 1e6 / (ms / 1000)).toFixed(1)} | ${per(lines, cpu)} | ${(bytes / 1e6 / (cpu / 1000)).toFixed(1)} | ${rss.toFixed(0)} MiB | ${RUNS}, median of ${runs.map((r) => (r.ms / 1000).toFixed(1)).join(", ")} s |`);
}
