import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Decision } from "../../core/decide/decision.ts";

/**
 * Latency buckets in seconds. The webhook's budget is milliseconds (bench/README.md targets: p99 ≤ 2 ms
 * for a typical update, ≤ 30 ms for a 1 MiB object); kube-apiserver's own histogram for webhooks
 * starts at 5 ms, so the low buckets here say more.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What the metrics read of a decision (small enough to pass between threads). */
export interface DecisionSummary {
  readonly action: Decision["action"];
  readonly enforcedAction: Decision["enforcedAction"];
  readonly findings: readonly Pick<Decision["findings"][number], "ruleId" | "class" | "severity">[];
}

/** One answered request, as the metrics see it (plain data: it crosses from the decision thread). */
export interface Observation {
  readonly webhook: "mutate" | "validate";
  readonly operation: string;
  readonly group: string;
  readonly kind: string;
  readonly dryRun: boolean;
  readonly decision: DecisionSummary;
  /** Decode to encode, seconds. */
  readonly seconds: number;
}

/** Prometheus metrics of the webhook, on a registry of its own (never prom-client's global one). */
export interface AdmissionMetrics {
  readonly registry: Registry;
  observe(input: Observation): void;
  /** A request that could not be decoded (400/413) or whose decision threw. */
  error(webhook: string, code: string): void;
  /** A request decided on the request thread although a decision thread is configured, and why. */
  decidedOnRequestThread(reason: string): void;
  /** The decision thread crashed or stalled. */
  threadEvent(event: string): void;
  /** Where the decision thread's heap is read from when /metrics is scraped. */
  threadHeapSource(read: () => Promise<{ readonly used: number; readonly total: number } | undefined>): void;
  /** The policy in force (label = version); previous versions are reset. */
  policy(version: string, source: string): void;
}

/** Label values of one series, and the increments not yet handed to prom-client. */
interface PendingSeries<L extends string> {
  readonly labels: Record<L, string>;
  count: number;
}

/**
 * Counts per label set, kept in a Map keyed by one joined string and handed to prom-client when
 * the registry is read (its `collect` callback). prom-client hashes the label object on every
 * `inc` (sorted names, joined values: about 1 µs for the 7 request labels); at 10,000 answers/s
 * that is 1 % of a core for one counter. A scrape every 15–60 s sees the same totals.
 */
class PendingCounts<L extends string> {
  private readonly series = new Map<string, PendingSeries<L>>();

  add(key: string, labels: () => Record<L, string>, by = 1): void {
    const found = this.series.get(key);
    if (found) found.count += by;
    else this.series.set(key, { labels: labels(), count: by });
  }

  /** Hands every pending increment to `inc` and zeroes it (series stay: label sets are few). */
  drain(inc: (labels: Record<L, string>, count: number) => void): void {
    for (const entry of this.series.values()) {
      if (entry.count === 0) continue;
      inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}

type RequestLabel = "webhook" | "operation" | "group" | "kind" | "action" | "enforced_action" | "dry_run";
type FindingLabel = "rule_id" | "class" | "severity";

/**
 * Most distinct (group, kind) pairs the request counter keeps a series for: 1,000. A large
 * cluster serves a few hundred kinds (kube-prometheus, cert-manager, Flux, Argo CD and the
 * built-ins together: about 250); every series costs prom-client a few hundred bytes and every
 * scrape a line. Pairs beyond the cap are counted under group and kind "other" and in
 * gitops_guard_metric_label_overflow_total, so no request content grows memory without bound
 * (an outside probe grew the process from 183 MiB to 2.3 GiB with 200 unique 1 MiB kinds).
 */
export const MAX_KIND_SERIES = 1_000;

/** Most distinct rule ids the findings counter keeps (policy and CRD rules add to the ~140 built-in ones). */
export const MAX_RULE_SERIES = 1_000;

/**
 * The label value that replaces a value that is not a valid Kubernetes name, or that arrives
 * after its label's cap is reached.
 */
export const OTHER_LABEL = "other";

/**
 * An API group as kube-apiserver accepts it: "" (core) or a DNS-1123 subdomain (≤ 253 characters,
 * lowercase alphanumerics, '-' and '.'), as CRD validation requires (apiextensions validation:
 * spec.group must be a DNS subdomain with at least one dot).
 */
const GROUP = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)?$/;
const MAX_GROUP_LENGTH = 253;

/**
 * A kind as kube-apiserver accepts it: its lowercase form must be a DNS-1035 label (CRD
 * spec.names.kind validation), so at most 63 characters, a letter first.
 */
const KIND = /^[A-Za-z](?:[-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;

/**
 * A rule id as the catalogue, the policy and CRD rules write it (`apps.Deployment.selector`,
 * `crd.example.com.Widget.v1.spec.size#0`): printable ASCII, no space, at most 253 characters.
 */
const RULE_ID = /^[\x21-\x7e]{1,253}$/;

/**
 * Admits at most `max` distinct values into a label; a value that is not well formed, or that
 * arrives once the cap is full, becomes OTHER_LABEL and is counted by `overflow`.
 */
function boundedLabel(max: number, valid: (value: string) => boolean, overflow: () => void): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (!valid(value) || seen.size >= max) {
      overflow();
      return OTHER_LABEL;
    }
    seen.add(value);
    return value;
  };
}

export interface AdmissionMetricsOptions {
  /** Node process metrics (CPU, memory, event loop). Default: true. */
  readonly processMetrics?: boolean;
  /** Default MAX_KIND_SERIES. */
  readonly maxKindSeries?: number;
  /** Default MAX_RULE_SERIES. */
  readonly maxRuleSeries?: number;
}

export function createAdmissionMetrics(options: AdmissionMetricsOptions = {}): AdmissionMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "gitops_guard_" });
  const pendingRequests = new PendingCounts<RequestLabel>();
  const pendingFindings = new PendingCounts<FindingLabel>();
  new Counter({
    name: "gitops_guard_admission_requests_total",
    help: "Admission requests answered, by webhook, operation, kind, action (what the answer did), enforced action and dry-run.",
    labelNames: ["webhook", "operation", "group", "kind", "action", "enforced_action", "dry_run"],
    registers: [registry],
    collect() {
      pendingRequests.drain((labels, count) => this.inc(labels, count));
    },
  });
  const latency = new Histogram({
    name: "gitops_guard_admission_duration_seconds",
    help: "Time from decoding the AdmissionReview to encoding the answer, by webhook.",
    labelNames: ["webhook"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Counter({
    name: "gitops_guard_findings_total",
    help: "Findings by rule, class and severity.",
    labelNames: ["rule_id", "class", "severity"],
    registers: [registry],
    collect() {
      pendingFindings.drain((labels, count) => this.inc(labels, count));
    },
  });
  const errors = new Counter({
    name: "gitops_guard_admission_errors_total",
    help: "Requests that could not be decoded or whose decision failed, by error code.",
    labelNames: ["webhook", "code"],
    registers: [registry],
  });
  const onRequestThread = new Counter({
    name: "gitops_guard_request_thread_decisions_total",
    help: "Requests decided on the request thread although a decision thread is configured: thread-down (starting, restarting), queue-full, large-body.",
    labelNames: ["reason"],
    registers: [registry],
  });
  const threadEvents = new Counter({
    name: "gitops_guard_decision_thread_events_total",
    help: "Decision thread crashes and stalls (the thread is replaced after each).",
    labelNames: ["event"],
    registers: [registry],
  });
  // Both series exist from the start at 0: Prometheus' increase() sees nothing of a series whose
  // first sample is already 1, so the first crash or stall of a pod would never alert.
  for (const event of ["crash", "stall"]) threadEvents.inc({ event }, 0);
  let readThreadHeap: (() => Promise<{ readonly used: number; readonly total: number } | undefined>) | undefined;
  new Gauge({
    name: "gitops_guard_decision_thread_heap_bytes",
    help: "The decision thread's V8 heap (the process metrics describe the main thread's), by kind: used, total.",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      const heap = await readThreadHeap?.();
      if (!heap) return;
      this.set({ kind: "used" }, heap.used);
      this.set({ kind: "total" }, heap.total);
    },
  });
  const overflow = new Counter({
    name: "gitops_guard_metric_label_overflow_total",
    help: "Label values replaced by \"other\": not a valid Kubernetes name, or past the label's cap of distinct values.",
    labelNames: ["label"],
    registers: [registry],
  });
  for (const label of ["group_kind", "rule_id"]) overflow.inc({ label }, 0);
  const kindOf = boundedLabel(options.maxKindSeries ?? MAX_KIND_SERIES, (key) => {
    const cut = key.indexOf("\0");
    const group = key.slice(0, cut);
    const kind = key.slice(cut + 1);
    return group.length <= MAX_GROUP_LENGTH && GROUP.test(group) && KIND.test(kind);
  }, () => overflow.inc({ label: "group_kind" }));
  const ruleOf = boundedLabel(options.maxRuleSeries ?? MAX_RULE_SERIES, (id) => RULE_ID.test(id), () => overflow.inc({ label: "rule_id" }));
  const policyInfo = new Gauge({
    name: "gitops_guard_policy_info",
    help: "The policy in force (value 1), labelled with its version and source.",
    labelNames: ["version", "source"],
    registers: [registry],
  });
  return {
    registry,
    observe({ webhook, operation, group, kind, dryRun, decision, seconds }) {
      const { action, enforcedAction } = decision;
      // group and kind come from the request: bounded before they become label values. NUL
      // separates the values (a valid group or kind never holds one).
      const admitted = kindOf(`${group}\0${kind}`) !== OTHER_LABEL;
      const groupLabel = admitted ? group : OTHER_LABEL;
      const kindLabel = admitted ? kind : OTHER_LABEL;
      pendingRequests.add(`${webhook}\0${operation}\0${groupLabel}\0${kindLabel}\0${action}\0${enforcedAction}\0${dryRun}`, () => ({
        webhook, operation, group: groupLabel, kind: kindLabel, action, enforced_action: enforcedAction, dry_run: String(dryRun),
      }));
      latency.observe({ webhook }, seconds);
      for (const f of decision.findings) {
        const ruleId = ruleOf(f.ruleId);
        pendingFindings.add(`${ruleId}\0${f.class}\0${f.severity}`, () => ({ rule_id: ruleId, class: f.class, severity: f.severity }));
      }
    },
    error(webhook, code) {
      errors.inc({ webhook, code });
    },
    decidedOnRequestThread(reason) {
      onRequestThread.inc({ reason });
    },
    threadEvent(event) {
      threadEvents.inc({ event });
    },
    threadHeapSource(read) {
      readThreadHeap = read;
    },
    policy(version, source) {
      policyInfo.reset();
      policyInfo.set({ version, source }, 1);
    },
  };
}
