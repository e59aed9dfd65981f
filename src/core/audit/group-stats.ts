import { createCappedCounter, type CappedCounter } from "./capped-counter.ts";
import { AUDIT_LIMITS } from "./audit-limits.ts";
import type { ReadDecisionRecord } from "./record-line.ts";
import type { OwningTool } from "../owner/detect-owner.ts";

/** Evidence per (kind, namespace, owner): what the policy suggestions are built from. */
export interface GroupEvidence {
  readonly kindRef: string;
  readonly namespace: string;
  readonly owner: OwningTool;
  /** Decisions (dry runs included: a denied dry run is the attempt) whose enforced action was `deny` on an immutable/declared conflict. */
  conflictDenials: number;
  /** Times an object of the group entered "denied" (first denial not yet fixed). */
  deniedObjects: number;
  /** Of those, fixed within FIX_WINDOW_MS (a later allowed decision without the conflict). */
  fixedObjects: number;
  /** Decisions by mode among the conflict denials. */
  readonly modes: CappedCounter;
  readonly fields: CappedCounter;
  readonly managers: CappedCounter;
}

/** Per-rule firing by mode (rules that fire only in audit mode). */
export interface RuleEvidence {
  audit: number;
  enforce: number;
}

export interface GroupStats {
  add(group: string, record: ReadDecisionRecord, conflictPaths: readonly string[]): void;
  deniedObject(group: string): void;
  fixed(group: string): void;
  entries(): GroupEvidence[];
  /** Denials per namespace by field manager (or user when there is none). */
  namespaceManagers(): [string, CappedCounter][];
  rules(): [string, RuleEvidence][];
}

/** Keys kept per group's inner breakdowns (fields, field managers). */
const INNER_KEYS = 50;
/** Groups and namespaces followed for suggestions. */
const MAX_GROUPS = AUDIT_LIMITS.breakdownKeys;

/** Per rule, how often it fired (enforced action other than allow) in each mode. */
function countRules(rules: Map<string, RuleEvidence>, record: ReadDecisionRecord): void {
  if (record.enforcedAction === "allow") return;
  for (const ruleId of new Set(record.findings.map((f) => f.ruleId))) {
    let rule = rules.get(ruleId);
    if (!rule) {
      if (rules.size >= MAX_GROUPS) continue;
      rule = { audit: 0, enforce: 0 };
      rules.set(ruleId, rule);
    }
    if (record.mode === "audit") rule.audit++;
    if (record.mode === "enforce") rule.enforce++;
  }
}

export function createGroupStats(): GroupStats {
  const groups = new Map<string, GroupEvidence>();
  const namespaces = new Map<string, CappedCounter>();
  const rules = new Map<string, RuleEvidence>();
  const groupOf = (group: string, record?: ReadDecisionRecord): GroupEvidence | undefined => {
    const existing = groups.get(group);
    if (existing || !record || groups.size >= MAX_GROUPS) return existing;
    const created: GroupEvidence = {
      kindRef: record.group ? `${record.kind}.${record.group}` : record.kind,
      namespace: record.namespace ?? "",
      owner: record.owner,
      conflictDenials: 0, deniedObjects: 0, fixedObjects: 0,
      modes: createCappedCounter(4), fields: createCappedCounter(INNER_KEYS), managers: createCappedCounter(INNER_KEYS),
    };
    groups.set(group, created);
    return created;
  };
  return {
    add(group, record, conflictPaths) {
      const who = record.fieldManager ?? record.user ?? "(unknown)";
      countRules(rules, record);
      if (record.enforcedAction !== "deny") return;
      const namespace = record.namespace ?? "";
      let managers = namespaces.get(namespace);
      if (!managers && namespaces.size < MAX_GROUPS) {
        managers = createCappedCounter(INNER_KEYS);
        namespaces.set(namespace, managers);
      }
      managers?.add(who);
      if (conflictPaths.length === 0) return;
      const evidence = groupOf(group, record);
      if (!evidence) return;
      evidence.conflictDenials++;
      evidence.modes.add(record.mode);
      evidence.managers.add(who);
      for (const path of conflictPaths) evidence.fields.add(path);
    },
    deniedObject(group) {
      const evidence = groupOf(group);
      if (evidence) evidence.deniedObjects++;
    },
    fixed(group) {
      const evidence = groupOf(group);
      if (evidence) evidence.fixedObjects++;
    },
    entries: () => [...groups.values()],
    namespaceManagers: () => [...namespaces.entries()],
    rules: () => [...rules.entries()],
  };
}
