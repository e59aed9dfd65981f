/**
 * Benchmark of `gitops-guard check` on 5,000 objects per side (target: under 2 s end to end).
 *
 * `node bench/check-5000.ts [--runs N] [--apps N] [--baseline DIR] [--check]` generates a realistic platform — 500 apps of 10
 * objects each (Deployment, Service, ConfigMap, Secret, ServiceAccount, HPA, PDB, Ingress, PVC,
 * Job) over 25 namespaces, one `kustomize build`-style multi-document file per namespace — and
 * two after sets:
 * - "typical PR": 50 image bumps, 10 commonLabels selector changes, 10 Job image changes, 10 PVC
 *   shrinks, 5 apps removed and 5 added (most documents unchanged, as in a real pull request);
 * - "every object changed": a label added by commonLabels to every object and selector (no
 *   document is the same text on both sides).
 * It times `check --format json` in-process (main(), output to a counting sink; median of N runs
 * after one warm-up) and as a child process (`node src/bin/gitops-guard.ts`, wall time, cold
 * start included; median of N runs), the latter also with only `check` registered (see
 * checkOnlyEntry), and prints a table. With --check it exits 1 when the child process median
 * (the real binary) misses the target. `--apps N` scales the platform (10 objects per app, still
 * 25 namespaces: `--apps 5000` is 50,000 objects per side, 2,000 per namespace). `--baseline DIR`
 * also times another checkout's binary (`DIR/src/bin/gitops-guard.ts`, e.g. the commit before a
 * change, unpacked with `git archive`) in the same run, its runs interleaved with ours.
 * `--no-check-only` leaves out the check-only child runs (long runs at 50,000 objects).
 * `--built` runs the compiled binary (`dist/src/bin/gitops-guard.js`, what the package ships;
 * `npm run build` first, in DIR too) instead of the TypeScript sources.
 */
import { spawn } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { main } from "../src/cli/main.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { median } from "./median.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NAMESPACES = 25;
/** Apps in the platform (10 objects each); --apps sets it. */
let APPS = 500;
const TARGET_MS = 2000;

interface AppChange {
  readonly image?: string;
  readonly jobImage?: string;
  readonly claimSize?: string;
  /** A label kustomize commonLabels adds to metadata, selectors and templates. */
  readonly extraLabel?: string;
}

function labelsYaml(app: string, change: AppChange, indent: number): string {
  const pad = " ".repeat(indent);
  const labels = [`app.kubernetes.io/name: ${app}`, "app.kubernetes.io/part-of: platform", ...(change.extraLabel ? [change.extraLabel] : [])];
  return labels.map((l) => `${pad}${l}`).join("\n");
}

function appYaml(i: number, change: AppChange): string {
  const app = `app-${String(i).padStart(3, "0")}`;
  const ns = `team-${i % NAMESPACES}`;
  const meta = (name: string): string => `metadata:\n  labels:\n${labelsYaml(app, change, 4)}\n  name: ${name}\n  namespace: ${ns}`;
  return [
    `apiVersion: v1\nkind: ServiceAccount\n${meta(app)}`,
    `apiVersion: v1\ndata:\n  FEATURE_FLAGS: a,b,c\n  LOG_LEVEL: info\n  UPSTREAM_URL: http://upstream.${ns}.svc:8080\nkind: ConfigMap\n${meta(`${app}-config`)}`,
    `apiVersion: v1\ndata:\n  password: c2VjcmV0LSR7aX0=\nkind: Secret\n${meta(`${app}-credentials`)}\ntype: Opaque`,
    `apiVersion: v1\nkind: Service\n${meta(app)}\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n  selector:\n${labelsYaml(app, change, 4)}`,
    `apiVersion: v1\nkind: PersistentVolumeClaim\n${meta(`${app}-data`)}\nspec:\n  accessModes:\n  - ReadWriteOnce\n  resources:\n    requests:\n      storage: ${change.claimSize ?? "10Gi"}\n  storageClassName: standard-rwo`,
    `apiVersion: apps/v1\nkind: Deployment\n${meta(app)}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n${labelsYaml(app, change, 6)}\n  template:\n    metadata:\n      labels:\n${labelsYaml(app, change, 8)}\n    spec:\n      containers:\n      - envFrom:\n        - configMapRef:\n            name: ${app}-config\n        image: registry.example.com/${app}:${change.image ?? "1.0.0"}\n        livenessProbe:\n          httpGet:\n            path: /livez\n            port: http\n        name: ${app}\n        ports:\n        - containerPort: 8080\n          name: http\n        readinessProbe:\n          httpGet:\n            path: /readyz\n            port: http\n        resources:\n          limits:\n            memory: 256Mi\n          requests:\n            cpu: 100m\n            memory: 128Mi\n        volumeMounts:\n        - mountPath: /data\n          name: data\n      serviceAccountName: ${app}\n      volumes:\n      - name: data\n        persistentVolumeClaim:\n          claimName: ${app}-data`,
    `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n${meta(app)}\nspec:\n  maxReplicas: 10\n  metrics:\n  - resource:\n      name: cpu\n      target:\n        averageUtilization: 75\n        type: Utilization\n    type: Resource\n  minReplicas: 2\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${app}`,
    `apiVersion: policy/v1\nkind: PodDisruptionBudget\n${meta(app)}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n${labelsYaml(app, change, 6)}`,
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${meta(app)}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: ${app}.example.com\n    http:\n      paths:\n      - backend:\n          service:\n            name: ${app}\n            port:\n              name: http\n        path: /\n        pathType: Prefix`,
    `apiVersion: batch/v1\nkind: Job\n${meta(`${app}-migrate`)}\nspec:\n  backoffLimit: 2\n  template:\n    metadata:\n      labels:\n${labelsYaml(app, change, 8)}\n    spec:\n      containers:\n      - args:\n        - migrate\n        image: registry.example.com/${app}-migrations:${change.jobImage ?? "1.0.0"}\n        name: migrate\n      restartPolicy: Never`,
  ].join("\n---\n");
}

type Scenario = (i: number) => AppChange | "removed" | "absent";

const BEFORE: Scenario = (i) => (i < APPS ? {} : "absent");

const TYPICAL: Scenario = (i) => {
  if (i >= APPS) return i < APPS + 5 ? {} : "absent";
  if (i % 100 === 4) return "removed";
  if (i % 50 === 1) return { extraLabel: "team: payments" };
  if (i % 50 === 2) return { jobImage: "1.1.0" };
  if (i % 50 === 3) return { claimSize: "5Gi" };
  if (i % 10 === 0) return { image: "1.1.0" };
  return {};
};

const EVERYTHING: Scenario = (i) => (i < APPS ? { extraLabel: "team: platform" } : "absent");

async function writeSet(folder: string, scenario: Scenario): Promise<number> {
  await mkdir(folder, { recursive: true });
  const byNamespace: string[][] = Array.from({ length: NAMESPACES }, () => []);
  let objects = 0;
  for (let i = 0; i < APPS + 5; i++) {
    const change = scenario(i);
    if (change === "removed" || change === "absent") continue;
    byNamespace[i % NAMESPACES]?.push(appYaml(i, change));
    objects += 10;
  }
  await Promise.all(byNamespace.map((docs, n) => writeFile(join(folder, `team-${n}.yaml`), `${docs.join("\n---\n")}\n`)));
  return objects;
}

interface InProcessRun {
  readonly ms: number;
  readonly bytes: number;
  readonly code: number;
}

async function inProcess(argv: readonly string[]): Promise<InProcessRun> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      bytes += chunk.length;
      callback();
    },
  });
  const io = { stdout: sink, stderr: process.stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: (): void => undefined };
  const start = performance.now();
  const code = await main(argv, io, COMMANDS);
  return { ms: performance.now() - start, bytes, code };
}

/**
 * The binary with only `check` registered: what check itself costs from a cold start, without the
 * import cost of the other commands' dependencies (fastify, client-node, pino…), which the real
 * binary pays for every command while they are imported eagerly.
 */
function checkOnlyEntry(): string {
  const url = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, path)).href);
  return [
    `import { main } from ${url("src/cli/main.ts")};`,
    `import { registerCheck } from ${url("src/cli/check.ts")};`,
    "process.exitCode = await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin,",
    "  isTTY: false, env: process.env, onSignal: () => undefined }, [registerCheck]);",
  ].join("\n");
}

interface ChildRun {
  readonly wallMs: number;
  /** The child's own CPU time (bench/report-cpu.ts), NaN when it did not report. */
  readonly cpuMs: number;
}

const CPU_LINE = /^gitops-guard-bench-cpu-ms: (\d+)$/m;

/** --built: the compiled binary instead of the sources. */
let BUILT = false;

async function childProcess(argv: readonly string[], checkOnly: boolean, root = ROOT): Promise<ChildRun> {
  const start = performance.now();
  const binary = BUILT ? join(root, "dist", "src", "bin", "gitops-guard.js") : join(root, "src", "bin", "gitops-guard.ts");
  const entry = checkOnly ? ["--input-type=module", "-e", checkOnlyEntry(), "--"] : [binary];
  const preload = ["--import", pathToFileURL(join(ROOT, "bench", "report-cpu.ts")).href];
  const child = spawn(process.execPath, [...preload, ...entry, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.resume();
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  await new Promise((resolve) => child.on("close", resolve));
  const cpu = CPU_LINE.exec(err);
  const rest = err.replace(CPU_LINE, "").trim();
  if (rest !== "") process.stderr.write(`${rest}\n`);
  return { wallMs: performance.now() - start, cpuMs: cpu ? Number(cpu[1]) : Number.NaN };
}

async function main_(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      apps: { type: "string", default: "500" },
      baseline: { type: "string" },
      keep: { type: "boolean", default: false },
      "no-check-only": { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      built: { type: "boolean", default: false },
    },
  });
  BUILT = values.built;
  const runs = Math.max(1, Number(values.runs));
  APPS = Math.max(10, Number(values.apps));
  const baseline = values.baseline;
  const dir = await mkdtemp(join(tmpdir(), "gitops-guard-bench-check-"));
  const rows: string[][] = [];
  let missed = false;
  try {
    const beforeObjects = await writeSet(join(dir, "before"), BEFORE);
    for (const [name, scenario] of [["typical PR", TYPICAL], ["every object changed", EVERYTHING]] as const) {
      const afterDir = join(dir, name.replaceAll(" ", "-"));
      const afterObjects = await writeSet(afterDir, scenario);
      const argv = ["check", "--before", join(dir, "before"), "--after", afterDir, "--format", "json"];
      const warm = await inProcess(argv);
      const inRuns: number[] = [];
      for (let r = 0; r < runs; r++) inRuns.push((await inProcess(argv)).ms);
      const childRuns: ChildRun[] = [];
      const checkOnlyRuns: ChildRun[] = [];
      const baselineRuns: ChildRun[] = [];
      for (let r = 0; r < runs; r++) {
        childRuns.push(await childProcess(argv, false));
        if (!values["no-check-only"]) checkOnlyRuns.push(await childProcess(argv, true));
        if (baseline) baselineRuns.push(await childProcess(argv, false, baseline));
      }
      const childMedian = median(childRuns.map((c) => c.wallMs));
      const cpu = (list: readonly ChildRun[]): string => `${median(list.map((c) => c.wallMs)).toFixed(0)} (${median(list.map((c) => c.cpuMs)).toFixed(0)})`;
      if (childMedian > TARGET_MS) missed = true;
      rows.push([
        name,
        `${beforeObjects}/${afterObjects}`,
        String(warm.code),
        `${(warm.bytes / 1024).toFixed(0)} KiB`,
        median(inRuns).toFixed(0),
        cpu(childRuns),
        checkOnlyRuns.length > 0 ? cpu(checkOnlyRuns) : "-",
        baseline ? cpu(baselineRuns) : "-",
        childMedian <= TARGET_MS ? "yes" : "NO",
      ]);
    }
  } finally {
    if (values.keep) console.log(`generated sets kept in ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
  const header = ["scenario", "objects before/after", "exit", "report", "in-process median ms", "child median ms (CPU ms)", "check-only child ms (CPU)", "baseline child ms (CPU)", `< ${TARGET_MS} ms`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(`gitops-guard check, ${runs} runs each, node ${process.version}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (values.check && missed) process.exitCode = 1;
}

await main_();
