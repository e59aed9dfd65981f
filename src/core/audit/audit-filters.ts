import { kindRefMatches } from "../policy/match-policy.ts";

/** The `--since`, `--until`, `--namespace`, `--kind`, `--owner` filters, parsed at the edge. */
export interface AuditFilters {
  /** Epoch milliseconds, inclusive. */
  readonly sinceMs?: number;
  /** Epoch milliseconds, exclusive. */
  readonly untilMs?: number;
  readonly namespaces?: readonly string[];
  /** `Kind` or `Kind.group`. */
  readonly kinds?: readonly string[];
  readonly owners?: readonly string[];
}

export function timeMatches(filters: AuditFilters, timeMs: number | undefined): boolean {
  if (filters.sinceMs === undefined && filters.untilMs === undefined) return true;
  if (timeMs === undefined || Number.isNaN(timeMs)) return false;
  if (filters.sinceMs !== undefined && timeMs < filters.sinceMs) return false;
  return filters.untilMs === undefined || timeMs < filters.untilMs;
}

function listMatches(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.length === 0 || list.includes(value);
}

/** A decision record's subject against the filters (cluster-scoped objects have namespace ""). */
export function subjectMatches(filters: AuditFilters, subject: { group: string; kind: string; namespace: string; owner: string }): boolean {
  if (!listMatches(filters.namespaces, subject.namespace)) return false;
  if (!listMatches(filters.owners, subject.owner)) return false;
  const kinds = filters.kinds;
  return kinds === undefined || kinds.length === 0 || kinds.some((ref) => kindRefMatches(ref, subject.group, subject.kind));
}

/**
 * The resource (plural) a kind is served as, by English plural rules — audit events name the
 * resource, never the kind. Exact for the built-in kinds gitops-guard judges (deployments,
 * statefulsets, jobs, services, ingresses, networkpolicies, persistentvolumeclaims, …).
 */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** An audit event's object against the filters (the kind filter compares resources). */
export function eventMatches(filters: AuditFilters, subject: { group: string; resource: string; namespace: string; owner: string }): boolean {
  if (!listMatches(filters.namespaces, subject.namespace)) return false;
  if (!listMatches(filters.owners, subject.owner)) return false;
  const kinds = filters.kinds;
  if (kinds === undefined || kinds.length === 0) return true;
  return kinds.some((ref) => {
    const dot = ref.indexOf(".");
    const kind = dot < 0 ? ref : ref.slice(0, dot);
    return resourceOfKind(kind) === subject.resource && (dot < 0 || ref.slice(dot + 1) === subject.group);
  });
}

/** Hour or day buckets for trends. */
export type Bucket = "hour" | "day";

/** The start of the bucket holding `timeMs`, as an RFC 3339 UTC string. */
export function bucketStart(timeMs: number, bucket: Bucket): string {
  const size = bucket === "hour" ? 3_600_000 : 86_400_000;
  return new Date(Math.floor(timeMs / size) * size).toISOString();
}

/** `Kind.group namespace/name` (`Kind namespace/name` for the core group; no namespace when cluster-scoped). */
export function objectKey(kind: string, group: string, namespace: string | undefined, name: string): string {
  const type = group ? `${kind}.${group}` : kind;
  return `${type} ${namespace ? `${namespace}/` : ""}${name}`;
}
