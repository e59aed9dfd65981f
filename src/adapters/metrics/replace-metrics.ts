import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Metrics of the replacements `watch` carries out (docs/replace.md), on watch's registry. */
export interface ReplaceMetrics {
  outcome(kind: string, strategy: string, outcome: string): void;
  inProgress(delta: 1 | -1): void;
  step(step: string, seconds: number): void;
}

/** Step durations run from a second (a patch) to the 10-minute timeout and beyond (a slow rollout). */
const STEP_BUCKETS = [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200];

export function createReplaceMetrics(registry: Registry): ReplaceMetrics {
  const total = new Counter({ name: "gitops_guard_replacements_total", help: "Replacements carried out by watch, by kind, strategy and outcome (replaced|rolled-back|failed|interrupted|refused)", labelNames: ["kind", "strategy", "outcome"], registers: [registry] });
  const running = new Gauge({ name: "gitops_guard_replacements_in_progress", help: "Replacements being carried out now (0 or 1: one at a time)", registers: [registry] });
  const steps = new Histogram({ name: "gitops_guard_replacement_step_seconds", help: "Seconds from a replacement step's start to its verification, by step kind", labelNames: ["step"], buckets: STEP_BUCKETS, registers: [registry] });
  running.set(0);
  return {
    outcome: (kind, strategy, outcome) => total.inc({ kind, strategy, outcome }),
    inProgress: (delta) => running.inc(delta),
    // The step id's kind (switch:Service/api → switch): bounded label values.
    step: (step, seconds) => steps.observe({ step: step.split(":")[0]! }, seconds),
  };
}
