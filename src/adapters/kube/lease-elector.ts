import { messageOf } from "../../errors.ts";
import { z } from "zod";
import { decideLease, JITTER_FACTOR, releasedLease, type LeaseRecord } from "../../core/watch/lease-decision.ts";
import { statusMessage, type KubeHttp } from "./kube-http.ts";

export interface LeaseElectorOptions {
  readonly http: KubeHttp;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Local clock (ms); injected for tests. */
  readonly now: () => number;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly onError: (message: string) => void;
}

export interface LeaseElector {
  isLeader(): boolean;
  /** Stops campaigning; a leader releases the lease (empty holder, 1 s) so a standby takes over at once. */
  stop(options?: { readonly release?: boolean }): Promise<void>;
}

const leaseSchema = z
  .object({
    metadata: z.object({ resourceVersion: z.string() }).loose(),
    spec: z
      .object({
        holderIdentity: z.string().nullish(),
        leaseDurationSeconds: z.number().int().nullish(),
        acquireTime: z.string().nullish(),
        renewTime: z.string().nullish(),
        leaseTransitions: z.number().int().nullish(),
      })
      .loose()
      .nullish(),
  })
  .loose();

interface Observed {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

function recordOf(body: z.infer<typeof leaseSchema>): LeaseRecord {
  const s = body.spec ?? {};
  return {
    holderIdentity: s.holderIdentity ?? "",
    leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
    acquireTime: s.acquireTime ?? null,
    renewTime: s.renewTime ?? null,
    leaseTransitions: s.leaseTransitions ?? 0,
  };
}

function leaseBody(namespace: string, name: string, record: LeaseRecord, resourceVersion?: string): Record<string, unknown> {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: { ...record, leaseDurationSeconds: Math.max(1, Math.round(record.leaseDurationSeconds)) },
  };
}

/**
 * Campaigns for a Lease with client-go's semantics: try every RetryPeriod (jittered by up to
 * 1.2×); a leader renews every RetryPeriod and steps down when it has not renewed within
 * RenewDeadline; writes are updates with the read resourceVersion, so a 409 means another
 * candidate won. Like client-go it does not fence: a leader that stalls longer than the lease
 * may overlap with its successor for up to one RetryPeriod (callers keep their acts idempotent).
 */
export function startLeaseElector(o: LeaseElectorOptions): LeaseElector {
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(o.namespace)}/leases`;
  let leader = false;
  let stopped = false;
  let observed: Observed | undefined;
  let observedAt = 0;
  let lastRenew = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function read(): Promise<Observed | undefined> {
    const r = await o.http.request("GET", `${path}/${encodeURIComponent(o.name)}`);
    if (r.status === 404) return undefined;
    const parsed = leaseSchema.safeParse(r.body);
    if (r.status !== 200 || !parsed.success) throw new Error(`read lease: ${statusMessage(r)}`);
    const next = { record: recordOf(parsed.data), resourceVersion: parsed.data.metadata.resourceVersion };
    if (observed === undefined || JSON.stringify(observed.record) !== JSON.stringify(next.record)) observedAt = o.now();
    observed = next;
    return next;
  }

  async function write(record: LeaseRecord, current: Observed | undefined): Promise<boolean> {
    const r = current === undefined
      ? await o.http.request("POST", path, { body: leaseBody(o.namespace, o.name, record) })
      : await o.http.request("PUT", `${path}/${encodeURIComponent(o.name)}`, { body: leaseBody(o.namespace, o.name, record, current.resourceVersion) });
    if (r.status === 409) return false;
    if (r.status !== 200 && r.status !== 201) throw new Error(`write lease: ${statusMessage(r)}`);
    observedAt = o.now();
    return true;
  }

  async function tryAcquireOrRenew(): Promise<boolean> {
    const current = await read();
    const decision = decideLease({ current: current?.record, observedAtMs: observedAt, nowMs: o.now(), identity: o.identity, leaseDurationSeconds: o.leaseDurationMs / 1000 });
    if (decision.action === "wait") return false;
    return write(decision.record, current);
  }

  async function tick(): Promise<void> {
    let ok = false;
    try {
      ok = await tryAcquireOrRenew();
    } catch (err) {
      o.onError(messageOf(err));
    }
    if (stopped) return;
    const now = o.now();
    if (ok) lastRenew = now;
    if (ok && !leader) {
      leader = true;
      o.onStartedLeading();
    } else if (!ok && leader && now - lastRenew >= o.renewDeadlineMs) {
      // "failed to renew lease": stop acting; the process campaigns again like any candidate.
      leader = false;
      o.onStoppedLeading();
    }
  }

  function schedule(): void {
    if (stopped) return;
    // Candidates jitter (wait.JitterUntil with JitterFactor 1.2); a leader renews on the period.
    const delay = leader ? o.retryPeriodMs : o.retryPeriodMs * (1 + Math.random() * (JITTER_FACTOR - 1));
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, delay);
  }

  running = tick().finally(schedule);

  return {
    isLeader: () => leader,
    async stop(options = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => undefined);
      if (!leader) return;
      leader = false;
      o.onStoppedLeading();
      if (options.release === false || observed === undefined) return;
      // ReleaseOnCancel: empty holder and a 1 s lease; a conflict means someone already took it.
      try {
        const current = await read();
        if (current !== undefined && current.record.holderIdentity === o.identity) await write(releasedLease(current.record, o.now()), current);
      } catch (err) {
        o.onError(`release lease: ${messageOf(err)}`);
      }
    },
  };
}
