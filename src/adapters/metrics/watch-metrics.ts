import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Assessment } from "../../core/assess/assessment.ts";

/** Prometheus metrics of `watch`, on a registry of its own. Metric names: docs/watch.md. */
export interface WatchMetrics {
  readonly registry: Registry;
  /** Where the current assessments are read from at scrape time (one series per object). */
  assessmentsSource(read: () => Iterable<Assessment>): void;
  transition(kind: string, from: string, to: string): void;
  announced(reason: string): void;
  notification(receiver: string, result: "delivered" | "failed" | "dropped"): void;
  leader(isLeader: boolean): void;
  /** Per watched kind: 1 while its list+watch is established, 0 while it reconnects or its CRD is missing. */
  connected(kind: string, up: boolean): void;
  /** One recovery outcome: action (flux-recreate, helm-recreate, unlock, reset…) and outcome (started, recovered, escalated, failed, planned). */
  recovery(action: string, outcome: string): void;
}

export function createWatchMetrics(): WatchMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let read: () => Iterable<Assessment> = () => [];
  // Series are rebuilt from the assessments at each scrape: an object that goes loses its series
  // at once, with no bookkeeping on delete.
  new Gauge({
    name: "gitops_guard_reconciliation_state",
    help: "1 for the current state of each watched reconciliation (state: ready|progressing|slow|stuck|failed|suspended|unknown)",
    labelNames: ["kind", "namespace", "name", "state", "cause"],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of read()) this.set({ kind: a.object.kind, namespace: a.object.namespace, name: a.object.name, state: a.state, cause: a.cause ?? "" }, 1);
    },
  });
  new Gauge({
    name: "gitops_guard_stuck_seconds",
    help: "Seconds a slow, stuck or failed reconciliation has not been Ready",
    labelNames: ["kind", "namespace", "name", "cause"],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of read()) {
        if (a.notReadySeconds !== null && (a.state === "slow" || a.state === "stuck" || a.state === "failed")) {
          this.set({ kind: a.object.kind, namespace: a.object.namespace, name: a.object.name, cause: a.cause ?? "" }, a.notReadySeconds);
        }
      }
    },
  });
  new Gauge({
    name: "gitops_guard_escalated",
    help: "1 for each reconciliation escalated (stuck or failed past the escalation threshold)",
    labelNames: ["kind", "namespace", "name", "cause"],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of read()) if (a.escalate) this.set({ kind: a.object.kind, namespace: a.object.namespace, name: a.object.name, cause: a.cause ?? "" }, 1);
    },
  });
  const transitions = new Counter({ name: "gitops_guard_reconciliation_transitions_total", help: "State changes seen, by kind", labelNames: ["kind", "from", "to"], registers: [registry] });
  const announcements = new Counter({ name: "gitops_guard_announcements_total", help: "Events announced by the leader, by reason", labelNames: ["reason"], registers: [registry] });
  const notifications = new Counter({ name: "gitops_guard_notifications_total", help: "Escalation notifications by receiver and result", labelNames: ["receiver", "result"], registers: [registry] });
  const leader = new Gauge({ name: "gitops_guard_leader", help: "1 on the replica that holds the watch Lease", registers: [registry] });
  const connected = new Gauge({ name: "gitops_guard_watch_connected", help: "1 while the list+watch of a kind is established", labelNames: ["kind"], registers: [registry] });
  const recoveries = new Counter({ name: "gitops_guard_recovery_total", help: "Recovery outcomes by action and outcome (started, recovered, escalated, failed, planned)", labelNames: ["action", "outcome"], registers: [registry] });
  leader.set(0);
  return {
    registry,
    assessmentsSource: (source) => {
      read = source;
    },
    transition: (kind, from, to) => transitions.inc({ kind, from, to }),
    announced: (reason) => announcements.inc({ reason }),
    notification: (receiver, result) => notifications.inc({ receiver, result }),
    leader: (isLeader) => leader.set(isLeader ? 1 : 0),
    connected: (kind, up) => connected.set({ kind }, up ? 1 : 0),
    recovery: (action, outcome) => recoveries.inc({ action, outcome }),
  };
}
