import type { Policy } from "../policy/policy-schema.ts";
import type { AuditFilters } from "./audit-filters.ts";
import { AUDIT_LIMITS } from "./audit-limits.ts";
import type { KubeAuditSummarizer, KubeAuditSummary } from "./kube-audit-summary.ts";
import type { ObjectHistory } from "./object-histories.ts";
import type { DecisionSummary, RecordSummarizer } from "./record-summary.ts";
import { suggestPolicy, type Suggestion } from "./suggest-policy.ts";

/** Schema version of the JSON report (docs/audit.md). Bumped on any incompatible change. */
export const AUDIT_REPORT_VERSION = 1;

/** One input as read: what it held, how many lines, which were malformed. */
export interface InputSummary {
  readonly path: string;
  /** `records` (gitops-guard's), `kube-audit` (API server events), `mixed`, or `empty`. */
  readonly format: "records" | "kube-audit" | "mixed" | "empty";
  readonly compressed: boolean;
  readonly bytes: number;
  readonly lines: number;
  readonly malformed: number;
  /** The first AUDIT_LIMITS.malformedShown malformed lines: line number and reason (never the line's text). */
  readonly malformedLines: readonly { readonly line: number; readonly error: string }[];
}

export interface AuditReport {
  readonly version: typeof AUDIT_REPORT_VERSION;
  readonly filters: {
    readonly since: string | null;
    readonly until: string | null;
    readonly namespaces: readonly string[];
    readonly kinds: readonly string[];
    readonly owners: readonly string[];
  };
  readonly inputs: readonly InputSummary[];
  readonly kubeAudit: KubeAuditSummary;
  readonly decisions: DecisionSummary;
  /** The exact join through decision ids (records `decisionId` ↔ `<webhook>/decision-id`). */
  readonly join: { readonly recordIds: number; readonly auditIds: number; readonly joined: number };
  /** Drill-down: the objects with the most notable decisions, each with its history in order. */
  readonly objects: readonly ObjectHistory[];
  readonly suggestions: readonly Suggestion[];
  /** True when some count went to an `(other)` bucket or a tracker was full (totals stay exact). */
  readonly capped: boolean;
}

export interface ReportInput {
  readonly inputs: readonly InputSummary[];
  readonly filters: AuditFilters;
  readonly records: RecordSummarizer;
  readonly kube: KubeAuditSummarizer;
  readonly policy: Policy;
  readonly top: number;
  readonly historyObjects: number;
}

function joined(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const id of small) if (large.has(id)) n++;
  return n;
}

const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function buildAuditReport(input: ReportInput): { report: AuditReport; policy: Policy } {
  const { filters, records, kube, top } = input;
  const decisions = records.summary(top);
  const kubeAudit = kube.summary(top);
  const { suggestions, policy } = suggestPolicy(records.groups(), input.policy);
  const capped = records.capped || kube.capped;
  return {
    policy,
    report: {
      version: AUDIT_REPORT_VERSION,
      filters: {
        since: isoOrNull(filters.sinceMs), until: isoOrNull(filters.untilMs),
        namespaces: filters.namespaces ?? [], kinds: filters.kinds ?? [], owners: filters.owners ?? [],
      },
      inputs: input.inputs,
      kubeAudit,
      decisions,
      join: { recordIds: records.decisionIds.size, auditIds: kube.decisionIds.size, joined: joined(records.decisionIds, kube.decisionIds) },
      objects: records.histories(Math.min(input.historyObjects, AUDIT_LIMITS.historyObjects)),
      suggestions,
      capped,
    },
  };
}
