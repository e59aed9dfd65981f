import type { JsonValue } from "../k8s/json.ts";
import { metaString } from "../k8s/kube-object.ts";
import { canonicalJson } from "../hash/fnv1a.ts";
import { isSecretValue, REDACTED } from "../findings/display-value.ts";
import type { Finding } from "../findings/finding.ts";
import type { Decision } from "../decide/decision.ts";
import type { OwningTool } from "../owner/detect-owner.ts";
import { fieldManagerOf, type AdmissionRequest } from "../admission/admission-review.ts";
import type { Operation as PatchOperation } from "fast-json-patch";

/** Schema version of a decision record line. Bumped on any incompatible change (README "Decision records"). */
export const RECORD_VERSION = 1;

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
    ruleId: finding.ruleId,
    path: finding.path,
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
  const group = request.kind.group;
  const kind = request.kind.kind;
  const fieldManager = fieldManagerOf(request);
  const object = request.object ?? request.oldObject ?? undefined;
  const objectName = metaString(object, "name") ?? "";
  return {
    v: RECORD_VERSION,
    time: facts.time,
    webhook: facts.webhook,
    uid: request.uid,
    operation: request.operation,
    dryRun: request.dryRun === true,
    group,
    version: request.kind.version,
    kind,
    resource: request.resource.resource,
    ...(request.subResource ? { subResource: request.subResource } : {}),
    ...(request.namespace ? { namespace: request.namespace } : {}),
    name: request.name || objectName,
    ...(request.userInfo.username !== undefined ? { user: request.userInfo.username } : {}),
    ...(fieldManager !== undefined ? { fieldManager } : {}),
    owner: outcome.owner,
    action: decision.action,
    enforcedAction: decision.enforcedAction,
    mode: decision.mode,
    ...(decision.strategy ? { strategy: decision.strategy } : {}),
    reason: decision.reason,
    allowed: outcome.allowed,
    ...(outcome.code !== undefined ? { code: outcome.code } : {}),
    findings: decision.findings.map((f) => recordFinding(f, group, kind, facts.valueMaxBytes)),
    patchPaths: outcome.patch.map((op) => op.path),
    policyVersion: facts.policyVersion,
    latencyMs: facts.latencyMs,
    ...(facts.error ? { error: facts.error } : {}),
  };
}
