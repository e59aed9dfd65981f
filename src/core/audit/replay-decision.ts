import { parsePathPattern } from "../k8s/field-path.ts";
import type { Finding, FindingClass, Severity } from "../findings/finding.ts";
import { FINDING_CLASSES, SEVERITIES } from "../findings/finding.ts";
import { decide } from "../decide/decide.ts";
import type { Action } from "../decide/decision.ts";
import type { Policy } from "../policy/policy-schema.ts";
import type { ReadDecisionRecord } from "./record-line.ts";

/**
 * A recorded decision decided again under another policy, by the same `decide` that `serve` runs
 * (the replay `policy diff` uses too). What a record does not hold is taken as absent: the
 * object's labels (overrides that match on labels never match), the user's groups, and the live
 * object (a second `mark` call is replayed as a first one; both are `mark`).
 */
export type Replay =
  | { readonly replayed: true; readonly action: Action; readonly enforcedAction: Action; readonly reason: string }
  | { readonly replayed: false; readonly why: string };

const isClass = (value: string): value is FindingClass => FINDING_CLASSES.some((c) => c === value);
const isSeverity = (value: string): value is Severity => SEVERITIES.some((s) => s === value);

function findingOf(recorded: ReadDecisionRecord["findings"][number]): Finding | undefined {
  if (!isClass(recorded.class) || !isSeverity(recorded.severity)) return undefined;
  return {
    ruleId: recorded.ruleId,
    path: recorded.path,
    segments: parsePathPattern(recorded.path),
    from: recorded.from,
    to: recorded.to,
    class: recorded.class,
    severity: recorded.severity,
    strategy: "review",
    message: "recorded finding",
  };
}

/** Replays one record; only the mutating webhook's UPDATE decisions go through `decide`. */
export function replayDecision(record: ReadDecisionRecord, policy: Policy, guardNamespace: string): Replay {
  if (record.webhook !== "mutate" || record.operation !== "UPDATE") return { replayed: false, why: "only mutating UPDATE decisions are replayed" };
  if (record.subResource !== undefined) return { replayed: false, why: "subresource requests are not judged" };
  if (record.error) return { replayed: false, why: "answered by the failure mode" };
  const findings: Finding[] = [];
  for (const recorded of record.findings) {
    const finding = findingOf(recorded);
    if (!finding) return { replayed: false, why: `unknown finding class ${recorded.class}` };
    findings.push(finding);
  }
  const decision = decide({
    findings,
    policy,
    subject: {
      group: record.group, kind: record.kind, namespace: record.namespace ?? "", name: record.name,
      labels: new Map(), owner: record.owner, ...(record.user !== undefined ? { username: record.user } : {}),
    },
    guardNamespace,
  });
  return { replayed: true, action: decision.action, enforcedAction: decision.enforcedAction, reason: decision.reason };
}
