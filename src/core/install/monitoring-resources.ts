import type { JsonObject } from "../k8s/json.ts";
import type { InstallOptions } from "./install-options.ts";
import { meta, SERVE_NAME, TLS_SECRET, WATCH_LEASE, WATCH_NAME, type InstallResource } from "./install-resource.ts";

interface Alert {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly severity: "info" | "warning" | "critical";
  readonly annotations: Record<string, string>;
  /** Why the threshold is what it is (a comment before the rule). */
  readonly why?: string;
}

/** Alerts on the webhook itself (metrics of serve). */
export const SERVE_ALERTS: readonly Alert[] = [
  {
    alert: "GitopsGuardWebhookSlow", why: "p99 over 100 ms for 10 minutes (Gatekeeper's guidance: p99 < 100 ms for admission webhooks)",
    expr: "histogram_quantile(0.99, sum by (le) (rate(gitops_guard_admission_duration_seconds_bucket[5m]))) > 0.1", for: "10m", severity: "warning",
    annotations: { summary: "gitops-guard admission p99 latency is over 100 ms" },
  },
  {
    alert: "GitopsGuardFailingOpen", why: "decisions that failed or stalled and were answered by the failure mode: unchecked (open) or denied (closed)",
    expr: 'sum(rate(gitops_guard_admission_errors_total{code=~"ERR_INTERNAL|ERR_DECISION_STALLED"}[5m])) > 0', for: "5m", severity: "critical",
    annotations: { summary: "gitops-guard answers by its failure mode (allowed unchecked when failing open, denied when failing closed)" },
  },
  {
    alert: "GitopsGuardDecisionThreadUnhealthy", why: "the decision thread crashed or stalled (it restarts by itself); a repeat points at a bug: see the logs",
    expr: "sum(increase(gitops_guard_decision_thread_events_total[15m])) > 0", severity: "warning",
    annotations: { summary: "gitops-guard's decision thread crashed or stalled in the last 15 minutes" },
  },
  {
    alert: "GitopsGuardImmutableConflicts", why: "early warning: denials or marks mean a GitOps apply is (or was about to be) stuck",
    expr: 'sum by (kind) (increase(gitops_guard_admission_requests_total{enforced_action=~"deny|mark",dry_run="false"}[15m])) > 0', severity: "info",
    annotations: { summary: "immutable-field conflicts on {{ $labels.kind }} in the last 15 minutes" },
  },
];

/** Alerts of watch (runbook: docs/watch.md#runbook). */
export const WATCH_ALERTS: readonly Alert[] = [
  {
    alert: "GitopsGuardReconciliationStuck", why: "watch already waited the stuck threshold (5 m by default) before calling it stuck",
    expr: 'max by (kind, namespace, name, cause) (gitops_guard_reconciliation_state{state=~"stuck|failed"}) == 1', for: "1m", severity: "warning",
    annotations: {
      summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is stuck ({{ $labels.cause }})",
      description: "kubectl describe {{ $labels.kind }} -n {{ $labels.namespace }} {{ $labels.name }} shows gitops-guard's Event with what to do; gitops-guard diagnose explains it.",
    },
  },
  {
    alert: "GitopsGuardImmutableConflict",
    expr: 'max by (kind, namespace, name) (gitops_guard_reconciliation_state{cause="immutable", state!="ready"}) == 1', severity: "warning",
    annotations: { summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is blocked by an immutable field" },
  },
  {
    alert: "GitopsGuardReconciliationSlow",
    expr: 'max by (kind, namespace, name) (gitops_guard_reconciliation_state{state="slow"}) == 1', severity: "info",
    annotations: { summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is taking longer than its timeout" },
  },
  {
    alert: "GitopsGuardReconciliationEscalated",
    expr: "max by (kind, namespace, name, cause) (gitops_guard_escalated) == 1", severity: "critical",
    annotations: {
      summary: "{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is still stuck after the escalation threshold ({{ $labels.cause }})",
      runbook_url: "https://github.com/gitops-guard/gitops-guard/blob/main/docs/watch.md#runbook",
    },
  },
  {
    alert: "GitopsGuardReplacementRolledBack", why: "a replacement did not become healthy in time (or failed) and was rolled back from its journal: the object still needs its change",
    expr: 'sum by (kind, strategy, outcome) (increase(gitops_guard_replacements_total{outcome=~"rolled-back|failed"}[15m])) > 0', severity: "critical",
    annotations: {
      summary: "gitops-guard rolled back a {{ $labels.strategy }} replacement of a {{ $labels.kind }} ({{ $labels.outcome }})",
      runbook_url: "https://github.com/gitops-guard/gitops-guard/blob/main/docs/runbooks/replacement-rolled-back.md",
    },
  },
  {
    alert: "GitopsGuardRecoveryEscalated", why: "automated recovery gave up (attempts exhausted, health not validated, or a cause it never acts on): a person must take over",
    expr: 'sum by (action) (increase(gitops_guard_recovery_total{outcome=~"escalated|failed"}[15m])) > 0', severity: "warning",
    annotations: {
      summary: "gitops-guard recovery ({{ $labels.action }}) escalated: see the Escalated Event on the object",
      runbook_url: "https://github.com/gitops-guard/gitops-guard/blob/main/docs/runbooks/reconciliation-stuck.md",
    },
  },
  {
    alert: "GitopsGuardWatchNoLeader", why: "every replica up but none leading for 2 minutes: nothing is announced",
    expr: '(sum(gitops_guard_leader) or vector(0)) < 1 and sum(up{job=~".*gitops-guard-watch.*"}) > 0', for: "2m", severity: "critical",
    annotations: { summary: `gitops-guard watch has no leader (check the Lease ${WATCH_LEASE} and the pods' logs)` },
  },
  {
    alert: "GitopsGuardWatchDisconnected", why: "a kind's list+watch down for 5 minutes (kinds whose CRD is not installed have no series)",
    expr: "min by (kind) (gitops_guard_watch_connected) == 0", for: "5m", severity: "warning",
    annotations: { summary: "gitops-guard watch has lost its watch on {{ $labels.kind }}" },
  },
];

function ruleGroup(name: string, alerts: readonly Alert[], groupIndex: number): { group: JsonObject; notes: { path: (string | number)[]; comment: string }[] } {
  return {
    group: {
      name,
      rules: alerts.map((a) => ({ alert: a.alert, expr: a.expr, ...(a.for !== undefined ? { for: a.for } : {}), labels: { severity: a.severity }, annotations: { ...a.annotations } })),
    },
    notes: alerts.flatMap((a, i) => (a.why !== undefined ? [{ path: ["spec", "groups", groupIndex, "rules", i], comment: a.why }] : [])),
  };
}

function prometheusRule(name: string, group: string, alerts: readonly Alert[], ns: string): InstallResource {
  const { group: g, notes } = ruleGroup(group, alerts, 0);
  return { file: "monitoring.yaml", object: { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: meta(name, ns), spec: { groups: [g] } }, notes };
}

/** PrometheusRules and ServiceMonitors for the components installed (Prometheus Operator CRDs needed). */
export function monitoringResources(options: InstallOptions): InstallResource[] {
  const ns = options.namespace;
  const out: InstallResource[] = [];
  if (options.components.includes("serve")) {
    out.push(prometheusRule(SERVE_NAME, "gitops-guard.webhook", SERVE_ALERTS, ns));
    out.push({
      file: "monitoring.yaml",
      comment: "serve's /metrics is on its TLS port: Prometheus verifies it with the CA in gitops-guard-tls (ca.crt), by the Service's name.",
      object: {
        apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(SERVE_NAME, ns),
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/name": SERVE_NAME } },
          endpoints: [{ port: "metrics", scheme: "https", path: "/metrics", interval: "30s", tlsConfig: { ca: { secret: { name: TLS_SECRET, key: "ca.crt" } }, serverName: `${SERVE_NAME}.${ns}.svc` } }],
        },
      },
    });
  }
  if (options.components.includes("watch")) {
    out.push(prometheusRule(WATCH_NAME, "gitops-guard.watch", WATCH_ALERTS, ns));
    out.push({
      file: "monitoring.yaml",
      object: {
        apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(WATCH_NAME, ns),
        spec: { selector: { matchLabels: { "app.kubernetes.io/name": WATCH_NAME } }, endpoints: [{ port: "http-metrics", path: "/metrics", interval: "30s" }] },
      },
    });
  }
  return out;
}
