import type { OwningTool } from "../owner/detect-owner.ts";
import type { Policy, PolicyMatch, PolicyOverride } from "./policy-schema.ts";
import { parseKindRef } from "./kind-ref.ts";

/** The facts about a request that policy matching reads. */
export interface MatchSubject {
  readonly group: string;
  readonly kind: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  /** Labels of the new and the live object, merged (live first, new wins). */
  /** The object's labels (a Map: a label key may be any name, "constructor" included). */
  readonly labels: ReadonlyMap<string, string>;
  readonly owner: OwningTool;
  readonly username?: string;
  readonly groups?: readonly string[];
}

/** Namespaces exempt whatever the policy says (webhook good practice: avoid kube-system and self). */
export const ALWAYS_EXEMPT_NAMESPACES = ["kube-system"] as const;

/** `Kind` matches any group; `Kind.group` one group (core group: `Kind` only). */
export function kindRefMatches(ref: string, group: string, kind: string): boolean {
  const parsed = parseKindRef(ref);
  return parsed.kind === kind && (parsed.group === undefined || parsed.group === group);
}

/** Why the subject is exempt, or undefined. */
export function exemptionReason(policy: Policy, subject: MatchSubject, guardNamespace: string): string | undefined {
  const { exemptions } = policy;
  const { namespace } = subject;
  const exemptNamespace = namespace === guardNamespace || ALWAYS_EXEMPT_NAMESPACES.some((n) => n === namespace) || exemptions.namespaces.includes(namespace);
  if (namespace !== "" && exemptNamespace) return `namespace ${namespace} is exempt`;
  if (subject.username !== undefined && exemptions.users.includes(subject.username)) {
    return `user ${subject.username} is exempt`;
  }
  const group = subject.groups?.find((g) => exemptions.groups.includes(g));
  if (group !== undefined) return `group ${group} is exempt`;
  const kind = exemptions.kinds.find((ref) => kindRefMatches(ref, subject.group, subject.kind));
  if (kind !== undefined) return `kind ${kind} is exempt`;
  return undefined;
}

function matches(match: PolicyMatch, subject: MatchSubject): boolean {
  if (match.kinds.length > 0 && !match.kinds.some((ref) => kindRefMatches(ref, subject.group, subject.kind))) {
    return false;
  }
  if (match.namespaces.length > 0 && !match.namespaces.includes(subject.namespace)) return false;
  if (match.owners.length > 0 && !match.owners.includes(subject.owner)) return false;
  for (const [key, value] of Object.entries(match.labels)) {
    const actual = subject.labels.get(key);
    if (actual === undefined || (value !== "*" && actual !== value)) return false;
  }
  return true;
}

/** The first override whose match holds, or undefined. */
export function findOverride(policy: Policy, subject: MatchSubject): PolicyOverride | undefined {
  return policy.overrides.find((override) => matches(override.match, subject));
}
