/**
 * client-go's leader election on a coordination.k8s.io/v1 Lease, the decision part
 * (kubernetes/client-go tools/leaderelection/leaderelection.go tryAcquireOrRenew;
 * watch-recovery.md §8). The adapter reads and writes the Lease; this decides.
 */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | null;
  readonly renewTime: string | null;
  readonly leaseTransitions: number;
}

export type LeaseDecision =
  /** Someone else holds an unexpired lease: do not write. */
  | { readonly action: "wait"; readonly holder: string }
  /** Write this record (update with the read resourceVersion: a conflict means another won). */
  | { readonly action: "write"; readonly record: LeaseRecord; readonly takeover: boolean };

/** Kubernetes MicroTime: RFC 3339 with microseconds (metav1.MicroTime). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * `observedAtMs` is when this candidate last saw the record change, on its own clock: "A client
 * only acts on timestamps captured locally … tolerant to arbitrary clock skew" — the holder's
 * renewTime is never compared with our clock. A lease is taken over only after a full
 * leaseDurationSeconds without change; a released lease (empty holder) at once.
 */
export function decideLease(input: {
  readonly current: LeaseRecord | undefined;
  readonly observedAtMs: number;
  readonly nowMs: number;
  readonly identity: string;
  readonly leaseDurationSeconds: number;
}): LeaseDecision {
  const { current, nowMs, identity, leaseDurationSeconds } = input;
  const now = microTime(nowMs);
  if (current === undefined) {
    return { action: "write", takeover: true, record: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
  }
  const held = current.holderIdentity !== "" && current.holderIdentity !== identity;
  if (held && input.observedAtMs + current.leaseDurationSeconds * 1000 > nowMs) return { action: "wait", holder: current.holderIdentity };
  if (current.holderIdentity === identity) {
    return { action: "write", takeover: false, record: { ...current, leaseDurationSeconds, renewTime: now } };
  }
  return {
    action: "write",
    takeover: true,
    record: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: current.leaseTransitions + 1 },
  };
}

/** What a leader writes when it steps down (ReleaseOnCancel): empty holder, a 1 s lease. */
export function releasedLease(current: LeaseRecord, nowMs: number): LeaseRecord {
  return { ...current, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime(nowMs) };
}

/**
 * client-go validates LeaseDuration > RenewDeadline > JitterFactor (1.2) × RetryPeriod; the
 * defaults 15 s / 10 s / 2 s are "what core clients default to".
 */
export const DEFAULT_LEASE_TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;
export const JITTER_FACTOR = 1.2;

export function leaseTimingsError(t: { readonly leaseDurationMs: number; readonly renewDeadlineMs: number; readonly retryPeriodMs: number }): string | undefined {
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) return "the lease duration must be longer than the renew deadline";
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) return `the renew deadline must be longer than ${JITTER_FACTOR} × the retry period`;
  if (t.retryPeriodMs <= 0) return "the retry period must be positive";
  return undefined;
}
