import { isDecisionId } from "../audit/decision-id.ts";
import type { JsonValue } from "../k8s/json.ts";
import { metaString } from "../k8s/kube-object.ts";
import { canonicalJson } from "../hash/fnv1a.ts";
import { isSecretValue, REDACTED } from "../findings/display-value.ts";
import type { Finding } from "../findings/finding.ts";
import { strategyOf, type Decision } from "../decide/decision.ts";
import type { OwningTool } from "../owner/detect-owner.ts";
import { fieldManagerOf, type AdmissionRequest } from "../admission/admission-review.ts";
import type { Operation as PatchOperation } from "fast-json-patch";

/** Schema version of a decision record line. Bumped on any incompatible change (docs/records-and-metrics.md). */
export const RECORD_VERSION = 1;

/**
 * Bounds of one record line, so that no request can write an unbounded line (an outside probe got
 * a 6.3 MB line from one review). With the default valueMaxBytes (256) a record stays under about
 * 200 KiB: at most 100 findings (each value ≤ valueMaxBytes, each path ≤ 1 KiB), 100 patch paths,
 * and every string from the request (kind, name, user, field manager…) cut to 1 KiB; a real
 * Kubernetes name is at most 253 characters and a username a few hundred.
 */
export const RECORD_LIMITS = { findings: 100, patchPaths: 100, stringChars: 1024, reasonChars: 4096 } as const;

/** A string from the request cut to `max` characters (marked), so one field cannot grow a record line without bound. */
export function clip(text: string, max: number = RECORD_LIMITS.stringChars): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(truncated)`;
}

/** One finding as recorded: values truncated, Secret values never written. */
export interface RecordedFinding {
  readonly ruleId: string;
  readonly path: string;
  readonly class: Finding["class"];
  readonly severity: Finding["severity"];
  readonly from?: JsonValue;
  readonly to?: JsonValue;
  /** The Kubernetes release (and gates) the verdict depended on, when it did (an added key: schema v1 still). */
  readonly judgedUnder?: Finding["judgedUnder"];
}

/** One decision, one JSON line. Field order is the order written. */
export interface DecisionRecord {
  readonly v: typeof RECORD_VERSION;
  /** RFC 3339 time the request arrived. */
  readonly time: string;
  readonly webhook: "mutate" | "validate";
  /** The webhook call's uid (fresh per call, not per user request). */
  readonly uid: string;
  /**
   * The id `gitops-guard audit` joins the API server's audit event by: the answer's
   * `decision-id` audit annotation (the uid, when it is a plain token of at most 128 characters).
   */
  readonly decisionId?: string;
  readonly operation: AdmissionRequest["operation"];
  readonly dryRun: boolean;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly subResource?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly user?: string;
  readonly fieldManager?: string;
  readonly owner: OwningTool;
  /** What the answer did (audit/off: always allow). */
  readonly action: Decision["action"];
  /** What enforce mode does for this request. */
  readonly enforcedAction: Decision["enforcedAction"];
  readonly mode: Decision["mode"];
  readonly strategy?: string;
  readonly reason: string;
  readonly allowed: boolean;
  readonly code?: number;
  readonly findings: readonly RecordedFinding[];
  /** JSON pointers the patch touched (values are not recorded). */
  readonly patchPaths: readonly string[];
  /** Policy version: `<resourceVersion or file>@<content hash>`. */
  readonly policyVersion: string;
  /** Time spent deciding, in milliseconds (decode to encode). */
  readonly latencyMs: number;
  /** Set when deciding failed and the failure mode answered instead. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Findings left out beyond RECORD_LIMITS.findings (absent when none were). */
  readonly findingsOmitted?: number;
  /** Patch paths left out beyond RECORD_LIMITS.patchPaths (absent when none were). */
  readonly patchPathsOmitted?: number;
}

/** A value cut to at most `maxBytes` of JSON; longer values become a string ending in "…(truncated)". */
export function truncateValue(value: JsonValue | undefined, maxBytes: number): JsonValue | undefined {
  if (value === undefined) return undefined;
  const text = canonicalJson(value);
  // Fast path: a string of n UTF-16 units is at most 3n bytes of UTF-8.
  if (text.length * 3 <= maxBytes) return value;
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return value;
  // Cut on a character boundary: drop UTF-8 continuation bytes (10xxxxxx) at the cut.
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${new TextDecoder().decode(bytes.subarray(0, end))}…(truncated)`;
}

function recordFinding(finding: Finding, group: string, kind: string, maxBytes: number): RecordedFinding {
  const secret = isSecretValue(group, kind, finding.segments);
  const from = secret && finding.from !== undefined ? REDACTED : truncateValue(finding.from, maxBytes);
  const to = secret && finding.to !== undefined ? REDACTED : truncateValue(finding.to, maxBytes);
  return {
    ruleId: clip(finding.ruleId),
    path: clip(finding.path),
    class: finding.class,
    severity: finding.severity,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(finding.judgedUnder ? { judgedUnder: finding.judgedUnder } : {}),
  };
}

/** Everything a record needs that the pure core does not know (time, latency, policy version). */
export interface RecordFacts {
  readonly webhook: "mutate" | "validate";
  readonly time: string;
  readonly latencyMs: number;
  readonly policyVersion: string;
  readonly valueMaxBytes: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Builds the record of one decision. Pure: the adapter writes it. */
export function decisionRecord(
  request: AdmissionRequest,
  outcome: { readonly decision: Decision; readonly owner: OwningTool; readonly patch: readonly PatchOperation[]; readonly allowed: boolean; readonly code?: number },
  facts: RecordFacts,
): DecisionRecord {
  const { decision } = outcome;
  const strategy = strategyOf(decision);
  const group = request.kind.group;
  const kind = request.kind.kind;
  const fieldManager = fieldManagerOf(request);
  const object = request.object ?? request.oldObject ?? undefined;
  const objectName = metaString(object, "name") ?? "";
  const findings = decision.findings.slice(0, RECORD_LIMITS.findings);
  const patchPaths = outcome.patch.slice(0, RECORD_LIMITS.patchPaths);
  return {
    v: RECORD_VERSION,
    time: facts.time,
    webhook: facts.webhook,
    uid: clip(request.uid),
    ...(isDecisionId(request.uid) ? { decisionId: request.uid } : {}),
    operation: request.operation,
    dryRun: request.dryRun === true,
    group: clip(group),
    version: clip(request.kind.version),
    kind: clip(kind),
    resource: clip(request.resource.resource),
    ...(request.subResource ? { subResource: clip(request.subResource) } : {}),
    ...(request.namespace ? { namespace: clip(request.namespace) } : {}),
    name: clip(request.name || objectName),
    ...(request.userInfo.username !== undefined ? { user: clip(request.userInfo.username) } : {}),
    ...(fieldManager !== undefined ? { fieldManager: clip(fieldManager) } : {}),
    owner: outcome.owner,
    action: decision.action,
    enforcedAction: decision.enforcedAction,
    mode: decision.mode,
    ...(strategy ? { strategy } : {}),
    reason: clip(decision.reason, RECORD_LIMITS.reasonChars),
    allowed: outcome.allowed,
    ...(outcome.code !== undefined ? { code: outcome.code } : {}),
    findings: findings.map((f) => recordFinding(f, group, kind, facts.valueMaxBytes)),
    patchPaths: patchPaths.map((op) => clip(op.path)),
    policyVersion: facts.policyVersion,
    latencyMs: facts.latencyMs,
    ...(facts.error ? { error: facts.error } : {}),
    ...(decision.findings.length > findings.length ? { findingsOmitted: decision.findings.length - findings.length } : {}),
    ...(outcome.patch.length > patchPaths.length ? { patchPathsOmitted: outcome.patch.length - patchPaths.length } : {}),
  };
}
