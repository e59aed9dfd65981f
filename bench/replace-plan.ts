/**
 * Cost of planning a replacement in a crowded namespace: `node bench/replace-plan.ts [--services N] [--runs N]`.
 * The plan reads every Service, PodDisruptionBudget and NetworkPolicy of the target's namespace
 * (what selects its pods); this times planReplacement (pure, in-process; median of N runs after a
 * warm-up) with N Services of which one selects the target, and prints the journal's size (only
 * what switches is kept, whatever N). Results: bench/README.md "Replacement planning".
 */
import { parseArgs } from "node:util";
import type { JsonObject } from "../src/core/k8s/json.ts";
import { journalInput, serializeJournal, startJournal } from "../src/core/replace/journal.ts";
import { planReplacement, type PlanInput } from "../src/core/replace/plan-replacement.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../src/core/replace/replace-settings.ts";
import { median } from "./median.ts";

const { values } = parseArgs({ options: { services: { type: "string", default: "5000" }, runs: { type: "string", default: "15" } } });
const services = Number(values.services);
const runs = Number(values.runs);

const live: JsonObject = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "web", uid: "u1" },
  spec: { replicas: 3, selector: { matchLabels: { app: "api" } }, template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "api:1" }] } } },
};
const desired: JsonObject = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace: "web" },
  spec: { replicas: 3, selector: { matchLabels: { app: "api-v2" } }, template: { metadata: { labels: { app: "api-v2" } }, spec: { containers: [{ name: "api", image: "api:1" }] } } },
};
const selecting: JsonObject[] = Array.from({ length: services }, (_, i) => ({
  apiVersion: "v1", kind: "Service", metadata: { name: i === 0 ? "api" : `svc-${i}`, namespace: "web" }, spec: { selector: { app: i === 0 ? "api" : `app-${i}` } },
}));
const input: PlanInput = { live, desired, desiredSource: "file", desiredOthers: [], selecting, pods: [], oldReplicaSets: [], owner: undefined, settings: DEFAULT_REPLACE_SETTINGS, strategy: undefined };

planReplacement(input);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  planReplacement(input);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
const plan = planReplacement(input);
if (plan.kind !== "plan") throw new Error("expected a plan");
const journal = serializeJournal(startJournal(journalInput(input, plan), plan, "bench", 0)).text;
console.log(`services=${services} runs=${runs} plan median ${median(times).toFixed(2)} ms (min ${Math.min(...times).toFixed(2)}, max ${Math.max(...times).toFixed(2)}); steps ${plan.steps.length}; journal ${journal.length} bytes`);
