/**
 * A policy's kind reference: `Kind` (any group) or `Kind.group` (`Deployment.apps`,
 * `Lease.coordination.k8s.io`). The core group has no name, so a core kind is written `Kind`.
 */
export interface KindRef {
  readonly kind: string;
  /** The group after the first dot; undefined = any group. */
  readonly group: string | undefined;
}

/** Splits at the first dot: kinds have no dots, groups do. */
export function parseKindRef(ref: string): KindRef {
  const dot = ref.indexOf(".");
  return dot < 0 ? { kind: ref, group: undefined } : { kind: ref.slice(0, dot), group: ref.slice(dot + 1) };
}
