/**
 * Where the webhook's time goes: the request path rebuilt stage by stage (bench/stage-server.ts),
 * each stage under the same closed-loop load as serve-bench's (a) (10 connections, the Deployment
 * UPDATE body), then the real `serve` deciding on the request thread with records off and on, and
 * `serve` as it runs by default (a decision thread), all in one run, round-robin over
 * the stages so machine drift spreads over all of them. Reports the median req/s per stage, its
 * ratio to stage 0 (the ceiling) and the server CPU per request.
 *
 * Run from the repository root: `node bench/serve-stages.ts [--reps 3]` (about 3 minutes).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isJsonObject } from "../src/core/k8s/json.ts";
import { buildPayloads } from "./payloads.ts";
import { runLoad } from "./load.ts";
import { STAGES } from "./stage-server.ts";
import { median } from "./median.ts";
import { cpuSeconds } from "./cpu-seconds.ts";
import { SERVER_NODE_ARGS } from "./server-node-args.ts";

interface Variant {
  readonly name: string;
  readonly args: (certDir: string, tmp: string) => string[];
}

/** Starts a server process and resolves with it and its port (from `{"listening":N}` or serve's log line). */
function start(root: string, args: readonly string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolveStart, rejectStart) => {
    let buffer = "";
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (!isJsonObject(parsed)) continue;
        const port = parsed["listening"] ?? (parsed["msg"] === "gitops-guard serving" ? parsed["port"] : undefined);
        if (typeof port === "number") resolveStart({ child, port });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => rejectStart(new Error(`server exited with ${code} before listening`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(killer);
}

function serve(certDir: string): string[] {
  return ["src/bin/gitops-guard.ts", "serve", "--host", "127.0.0.1", "--port", "0", "--cert-dir", certDir];
}

export async function runServeStages(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: { reps: { type: "string", default: "3" } } });
  const reps = Number(values.reps);
  const root = resolve(import.meta.dirname, "..");
  const tmp = await mkdtemp(join(tmpdir(), "gitops-guard-stages-"));
  try {
    const certDir = join(tmp, "certs");
    const certs = spawn(process.execPath, ["src/bin/gitops-guard.ts", "certs", "--dir", certDir], { cwd: root, stdio: "ignore" });
    await new Promise((r) => certs.once("exit", r));
    const payload = (await buildPayloads(join(root, "examples", "admission"))).deploymentUpdate;
    const variants: Variant[] = [
      ...STAGES.map((name, stage) => ({ name: `${stage} ${name}`, args: (dir: string) => ["bench/stage-server.ts", "--cert-dir", dir, "--stage", String(stage)] })),
      { name: "serve --records off, request thread", args: (dir: string) => [...serve(dir), "--records", "off", "--decide-on", "request-thread"] },
      { name: "serve --records FILE, request thread", args: (dir: string, t: string) => [...serve(dir), "--records", join(t, "records.jsonl"), "--decide-on", "request-thread"] },
      { name: "serve --records FILE, decision thread", args: (dir: string, t: string) => [...serve(dir), "--records", join(t, "records.jsonl"), "--decide-on", "thread"] },
    ];
    const rps = new Map<string, number[]>();
    const cpu = new Map<string, number[]>();
    const p99 = new Map<string, number[]>();
    for (let rep = 1; rep <= reps; rep++) {
      for (const variant of variants) {
        const { child, port } = await start(root, variant.args(certDir, tmp));
        let cpuStart = Number.NaN;
        let cpuEnd = Number.NaN;
        const load = await runLoad(
          { url: `https://127.0.0.1:${port}`, requests: [{ path: payload.path, body: payload.body }], connections: 10, warmupSeconds: 2, measureSeconds: 4, rate: 0 },
          { onMeasureStart: () => { cpuStart = cpuSeconds(child.pid ?? -1) ?? Number.NaN; }, onMeasureEnd: () => { cpuEnd = cpuSeconds(child.pid ?? -1) ?? Number.NaN; } },
        );
        await stop(child);
        rps.set(variant.name, [...(rps.get(variant.name) ?? []), load.measure.rps]);
        cpu.set(variant.name, [...(cpu.get(variant.name) ?? []), ((cpuEnd - cpuStart) / (load.measure.rps * load.measure.seconds)) * 1e6]);
        process.stdout.write(`  ${variant.name.padEnd(44)} rep ${rep}: ${load.measure.rps.toFixed(0).padStart(6)} req/s  p99 ${load.measure.p99Ms.toFixed(2)} ms\n`);
        p99.set(variant.name, [...(p99.get(variant.name) ?? []), load.measure.p99Ms]);
      }
    }
    const base = median(rps.get(variants[0]!.name) ?? []);
    const baseCpu = median(cpu.get(variants[0]!.name) ?? []);
    process.stdout.write(`\n| stage | req/s | ratio to ceiling | p99 ms | server CPU µs/request | over the ceiling |\n| --- | ---: | ---: | ---: | ---: | ---: |\n`);
    for (const variant of variants) {
      const r = median(rps.get(variant.name) ?? []);
      const c = median(cpu.get(variant.name) ?? []);
      process.stdout.write(`| ${variant.name} | ${r.toFixed(0)} | ${((r / base) * 100).toFixed(0)} % | ${median(p99.get(variant.name) ?? []).toFixed(2)} | ${c.toFixed(1)} | ${(c - baseCpu).toFixed(1)} |\n`);
    }
    process.stdout.write(`\nmedians of ${reps}; node bench/serve-stages.ts --reps ${reps}\n`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.main) await runServeStages(process.argv.slice(2));
