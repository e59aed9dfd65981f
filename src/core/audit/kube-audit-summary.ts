import { createCappedCounter, topList, type TopList } from "./capped-counter.ts";
import { AUDIT_LIMITS } from "./audit-limits.ts";
import { eventMatches, objectKey, timeMatches, type AuditFilters, type Bucket } from "./audit-filters.ts";
import { createTrendSeries, type BucketChoice } from "./trend-series.ts";
import { classifyOutcome, isDryRun, toolOf, userOf } from "./classify-event.ts";
import { DECISION_ID_KEY, DECISION_ID_PREFIX } from "./decision-id.ts";
import { eventTime, isFinalStage, type AuditEvent } from "./kube-audit-event.ts";

/** The Kubernetes audit-log part of the report (docs/audit.md "JSON output"). */
export interface KubeAuditSummary {
  readonly events: number;
  /** Distinct auditIDs: one request, whatever number of stage events it has. */
  readonly requests: number;
  /** Requests with no ResponseComplete/Panic event in the input (a watch cut off by the log's end). */
  readonly incomplete: number;
  readonly byVerb: Record<string, number>;
  readonly byTool: Record<string, number>;
  readonly byUser: TopList;
  readonly webhookDenials: Record<string, number>;
  readonly webhookFailures: Record<string, number>;
  readonly failedOpen: Record<string, number>;
  readonly authorizationDenials: number;
  readonly conflicts: number;
  readonly immutableRefusals: number;
  readonly otherInvalid: number;
  readonly otherErrors: Record<string, number>;
  readonly dryRuns: number;
  readonly dryRunDenials: number;
  /** Requests our webhooks saw (their mutation annotation, our audit annotations, or our denial). */
  readonly guardSeen: number;
  /** Immutable refusals on requests our webhooks never saw: a gap in coverage, or the guard was down. */
  readonly unseenImmutable: TopList;
  /** Mutating webhook invocations by webhook name (`mutation.webhook.admission.k8s.io/*`), and how many mutated. */
  readonly mutations: Record<string, { readonly invoked: number; readonly mutated: number }>;
  readonly overTime: { readonly bucket: Bucket; readonly series: readonly { readonly start: string; readonly counts: Record<string, number> }[] };
  readonly period: { readonly from: string | null; readonly to: string | null };
}

export interface KubeAuditSummarizer {
  add(event: AuditEvent): boolean;
  /** True once a breakdown sent a key to `(other)` (totals stay exact). */
  readonly capped: boolean;
  readonly decisionIds: ReadonlySet<string>;
  summary(top: number): KubeAuditSummary;
}

const MUTATION_PREFIX = "mutation.webhook.admission.k8s.io/";
const FAILED_OPEN = /^failed-open\.(mutation|validating)\.webhook\.admission\.k8s\.io\//;

interface MutationAnnotation {
  readonly webhook: string;
  readonly mutated: boolean;
}

/** `{"configuration","webhook","mutated"}`: attributed by the webhook name inside, never by the index in the key. */
function mutationOf(value: string): MutationAnnotation | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null || !("webhook" in parsed) || typeof parsed.webhook !== "string") return undefined;
    return { webhook: parsed.webhook, mutated: "mutated" in parsed && parsed.mutated === true };
  } catch {
    return undefined;
  }
}

export function createKubeAuditSummarizer(filters: AuditFilters, bucket: BucketChoice, ourWebhooks: readonly string[]): KubeAuditSummarizer {
  const ours = new Set(ourWebhooks);
  // auditID → completed, in two generations of half the bound each: when the young one is full,
  // the old one is dropped (its incomplete requests counted) and the young one ages. Every lookup
  // and eviction is O(1); evicting the oldest entry of one Map one by one was not (V8 skips the
  // deleted entries from the front on every iteration: a 1 GB log ran 4× slower).
  let young = new Map<string, boolean>();
  let old = new Map<string, boolean>();
  const counters = {
    verb: createCappedCounter(64), tool: createCappedCounter(16), user: createCappedCounter(AUDIT_LIMITS.breakdownKeys),
    denials: createCappedCounter(AUDIT_LIMITS.breakdownKeys), failures: createCappedCounter(AUDIT_LIMITS.breakdownKeys),
    failedOpen: createCappedCounter(AUDIT_LIMITS.breakdownKeys), errors: createCappedCounter(64),
    unseen: createCappedCounter(AUDIT_LIMITS.breakdownKeys),
  };
  const mutations = new Map<string, { invoked: number; mutated: number }>();
  const overTime = createTrendSeries(16);
  const decisionIds = new Set<string>();
  const n = { events: 0, requests: 0, evictedIncomplete: 0, authz: 0, conflicts: 0, immutable: 0, invalid: 0, dryRuns: 0, dryRunDenials: 0, seen: 0 };
  let fromMs = Infinity;
  let toMs = -Infinity;

  const remember = (id: string): void => {
    if (young.size >= AUDIT_LIMITS.openRequests / 2) {
      for (const done of old.values()) if (!done) n.evictedIncomplete++;
      old = young;
      young = new Map();
    }
    young.set(id, false);
  };
  const stateOf = (id: string): boolean | undefined => young.get(id) ?? old.get(id);
  const complete = (id: string): void => {
    if (young.has(id)) young.set(id, true);
    else old.set(id, true);
  };

  const annotationsSeen = (event: AuditEvent): boolean => {
    let seen = false;
    for (const [key, value] of Object.entries(event.annotations ?? {})) {
      const slash = key.indexOf("/");
      const prefix = key.slice(0, slash);
      if (ours.has(prefix) || prefix === DECISION_ID_PREFIX) {
        seen = true;
        if (key.slice(slash + 1) === DECISION_ID_KEY && decisionIds.size < AUDIT_LIMITS.joinIds) decisionIds.add(value);
      }
      if (key.startsWith(MUTATION_PREFIX)) {
        const mutation = mutationOf(value);
        if (!mutation) continue;
        let entry = mutations.get(mutation.webhook);
        if (!entry && mutations.size < AUDIT_LIMITS.breakdownKeys) mutations.set(mutation.webhook, (entry = { invoked: 0, mutated: 0 }));
        if (entry) {
          entry.invoked++;
          if (mutation.mutated) entry.mutated++;
        }
        if (ours.has(mutation.webhook)) seen = true;
      } else if (FAILED_OPEN.test(key)) counters.failedOpen.add(value);
    }
    return seen;
  };

  // eslint-disable-next-line complexity -- one switch over the outcomes
  const finish = (event: AuditEvent, timeMs: number): void => {
    const outcome = classifyOutcome(event);
    const dry = isDryRun(event);
    let seen = annotationsSeen(event);
    if (outcome.type === "webhook-denial") {
      counters.denials.add(outcome.webhook);
      if (ours.has(outcome.webhook)) seen = true;
      if (dry) n.dryRunDenials++;
    }
    if (seen) n.seen++;
    if (outcome.type === "authorization-denial") n.authz++;
    if (outcome.type === "conflict") n.conflicts++;
    if (outcome.type === "invalid") n.invalid++;
    if (outcome.type === "webhook-failure") counters.failures.add(outcome.webhook);
    if (outcome.type === "error") counters.errors.add(String(outcome.code));
    if (outcome.type === "immutable") {
      n.immutable++;
      if (!seen) {
        const ref = event.objectRef;
        counters.unseen.add(objectKey(ref?.resource ?? "(none)", ref?.apiGroup ?? "", ref?.namespace, ref?.name ?? "(none)"));
      }
    }
    overTime.add(timeMs, outcome.type === "webhook-denial" ? (ours.has(outcome.webhook) ? "guard-denial" : "webhook-denial") : outcome.type);
  };

  return {
    add(event) {
      const timeMs = Date.parse(eventTime(event) ?? "");
      const ref = event.objectRef;
      const tool = toolOf(event);
      const subject = { group: ref?.apiGroup ?? "", resource: ref?.resource ?? "", namespace: ref?.namespace ?? "", owner: tool };
      if (!timeMatches(filters, timeMs) || !eventMatches(filters, subject)) return false;
      n.events++;
      if (!Number.isNaN(timeMs)) {
        fromMs = Math.min(fromMs, timeMs);
        toMs = Math.max(toMs, timeMs);
      }
      const completed = stateOf(event.auditID);
      if (completed === undefined) {
        remember(event.auditID);
        n.requests++;
        counters.verb.add(event.verb);
        counters.tool.add(tool);
        counters.user.add(userOf(event));
        if (isDryRun(event)) n.dryRuns++;
      }
      if (isFinalStage(event.stage) && completed !== true) {
        complete(event.auditID);
        finish(event, timeMs);
      }
      return true;
    },
    decisionIds,
    get capped() {
      return Object.values(counters).some((counter) => counter.overflowed);
    },
    summary(top) {
      let stillOpen = 0;
      for (const done of [...young.values(), ...old.values()]) if (!done) stillOpen++;
      const trend = overTime.series(bucket);
      return {
        events: n.events, requests: n.requests, incomplete: stillOpen + n.evictedIncomplete,
        byVerb: counters.verb.toObject(), byTool: counters.tool.toObject(), byUser: topList(counters.user, top),
        webhookDenials: counters.denials.toObject(), webhookFailures: counters.failures.toObject(), failedOpen: counters.failedOpen.toObject(),
        authorizationDenials: n.authz, conflicts: n.conflicts, immutableRefusals: n.immutable, otherInvalid: n.invalid,
        otherErrors: counters.errors.toObject(), dryRuns: n.dryRuns, dryRunDenials: n.dryRunDenials, guardSeen: n.seen,
        unseenImmutable: topList(counters.unseen, top),
        mutations: Object.fromEntries(mutations),
        overTime: { bucket: trend.bucket, series: trend.points },
        period: { from: fromMs === Infinity ? null : new Date(fromMs).toISOString(), to: toMs === -Infinity ? null : new Date(toMs).toISOString() },
      };
    },
  };
}
