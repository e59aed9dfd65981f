import type { ImpactReport, ReportFinding, ResourceImpact } from "../impact-report.ts";

/** Where the live objects came from (check --live): read by the adapter, reported as is. */
export interface LiveSource {
  /** The API server's URL (never credentials). */
  readonly server: string;
  /** The server's gitVersion (`GET /version`). */
  readonly version: string;
  /** LIST requests made (one per kind and namespace, pages included). */
  readonly lists: number;
  /** Live objects they returned. */
  readonly objects: number;
  /** Collections not read and why (a kind the server does not serve, a context kind RBAC forbids), for people. */
  readonly notListed: readonly string[];
}

/** The write a server-side dry run sent: the one the owner would do. */
export type DryRunOperation = "apply" | "create" | "update";

/**
 * The API server's own answer to a dry run of the change (`?dryRun=All`): accepted, refused (with
 * its HTTP code, reason, message and field paths), or not sent (and why).
 */
export type ServerVerdict =
  | { readonly outcome: "accepted"; readonly operation: DryRunOperation }
  | {
      readonly outcome: "refused";
      readonly operation: DryRunOperation;
      readonly code: number;
      /** metav1.Status reason (`Invalid`, `Conflict`, `Forbidden`…). */
      readonly reason: string;
      readonly message: string;
      /** details.causes[*].field: the field paths the server named. */
      readonly fields: readonly string[];
    }
  | { readonly outcome: "not-sent"; readonly why: string };

export const verdict = {
  accepted: (operation: DryRunOperation): ServerVerdict => ({ outcome: "accepted", operation }),
  refused: (operation: DryRunOperation, code: number, reason: string, message: string, fields: readonly string[]): ServerVerdict => ({ outcome: "refused", operation, code, reason, message, fields }),
  notSent: (why: string): ServerVerdict => ({ outcome: "not-sent", why }),
};

/** Our verdict beside the server's, per object. */
export type ServerDryRun = ServerVerdict & {
  /** False when the API server and gitops-guard disagree on whether the write is refused. */
  readonly agrees: boolean;
  /** Why they disagree (or what the server's verdict adds), for people. */
  readonly note?: string;
};

export interface DryRunSummary {
  readonly sent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly disagreements: number;
}

/** The report's `live` section (an addition to JSON schema 2, docs/check.md). */
export interface LiveSummary extends LiveSource {
  /** Live objects the manifests do not name: seen by the cascade, never judged or listed. */
  readonly context: number;
  readonly dryRun?: DryRunSummary;
}

export function liveSummary(source: LiveSource, context: number): LiveSummary {
  return { ...source, context };
}

/** Findings that say the API server refuses the write (not our own risk judgements). */
function refusedByUs(findings: readonly ReportFinding[]): readonly ReportFinding[] {
  return findings.filter((f) => f.severity === "blocking" && (f.class === "immutable" || f.class === "declared"));
}

/** Our verdict beside the server's: they agree when both refuse or both accept. */
export function compareVerdicts(resource: ResourceImpact, server: ServerVerdict): ServerDryRun {
  if (server.outcome === "not-sent") return { ...server, agrees: true };
  const ours = refusedByUs(resource.findings);
  if (server.outcome === "accepted") {
    if (ours.length === 0) return { ...server, agrees: true };
    return {
      ...server,
      agrees: false,
      note: `the API server accepted the dry run, gitops-guard expects a refusal at ${ours.map((f) => f.path).join(", ")} ` +
        "(a mutating webhook may restore the field, the server may run another release or feature gates, or the rule is wrong: please report it)",
    };
  }
  if (ours.length > 0) return { ...server, agrees: true };
  return {
    ...server,
    agrees: false,
    note: `the API server refused the dry run (${server.code} ${server.reason}${server.fields.length > 0 ? ` at ${server.fields.join(", ")}` : ""}) where gitops-guard found nothing blocking: the apply will fail`,
  };
}

/** The report with the API server's dry-run verdicts beside ours (by index of report.resources). */
export function withServerVerdicts(report: ImpactReport, verdicts: ReadonlyMap<number, ServerVerdict>): ImpactReport {
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  let disagreements = 0;
  const resources = report.resources.map((resource, i) => {
    const server = verdicts.get(i);
    if (!server) return resource;
    const compared = compareVerdicts(resource, server);
    if (server.outcome !== "not-sent") sent += 1;
    if (server.outcome === "accepted") accepted += 1;
    if (server.outcome === "refused") refused += 1;
    if (!compared.agrees) disagreements += 1;
    return { ...resource, serverDryRun: compared };
  });
  const live = report.live ? { ...report.live, dryRun: { sent, accepted, refused, disagreements } } : undefined;
  return { ...report, resources, ...(live ? { live } : {}) };
}
