import type { KubeConfig } from "@kubernetes/client-node";
import { AppError } from "../errors.ts";
import { canonicalGroup, type ServedLookup } from "../core/impact/removed-api-findings.ts";
import type { ImpactReport } from "../core/impact/impact-report.ts";
import type { ManifestObject } from "../core/impact/manifest-object.ts";
import { DEFAULT_NAMESPACE } from "../core/impact/pair-objects.ts";
import { withServerVerdicts, type LiveSource, type ServerVerdict } from "../core/impact/live/live-report.ts";
import type { KubeRelease } from "../core/kube/kube-release.ts";
import { removedApiTable } from "../core/kube/removed-apis.ts";
import { loadKubeConfig } from "../adapters/kube/load-kube-config.ts";
import { createKubeHttp } from "../adapters/kube/kube-http.ts";
import { readServerRelease } from "../adapters/kube/read-server-release.ts";
import { readLiveState } from "../adapters/kube/read-live-state.ts";
import { serverDryRun, type DryRunItem } from "../adapters/kube/server-dry-run.ts";
import { readManifests } from "../adapters/fs/read-manifests.ts";
import type { CommandIO } from "./io.ts";

/** What check --live reads before judging: the live side, the desired side and the server's facts. */
export interface LiveInputs {
  readonly before: readonly ManifestObject[];
  readonly after: readonly ManifestObject[];
  /** The server's release as it is (not clamped to the releases the catalogue knows). */
  readonly release: KubeRelease;
  readonly source: LiveSource;
  readonly served: ServedLookup;
  /** check --server-dry-run: the report with the API server's verdicts beside ours. */
  dryRun(report: ImpactReport): Promise<ImpactReport>;
}

export interface LiveOptions {
  readonly after: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

function selectContext(kc: KubeConfig, context: string | undefined): void {
  if (context === undefined) return;
  const names = kc.getContexts().map((c) => c.name);
  if (!names.includes(context)) {
    throw new AppError("ERR_KUBE_UNAVAILABLE", `the kubeconfig has no context ${JSON.stringify(context)} (it has: ${names.length > 0 ? names.join(", ") : "none"})`);
  }
  kc.setCurrentContext(context);
}

function identityKey(group: string, kind: string, namespace: string, name: string): string {
  return JSON.stringify([group, kind, namespace, name]);
}

/**
 * The desired and live objects of the report's added and modified objects, paired as analyzeImpact
 * paired them (group through removed APIs' successors, namespace defaulted, cluster scope from the
 * report), in the report's order.
 */
function dryRunItems(report: ImpactReport, before: readonly ManifestObject[], after: readonly ManifestObject[]): Map<number, DryRunItem> {
  const table = removedApiTable();
  const index = (objects: readonly ManifestObject[]): Map<string, ManifestObject> => {
    const out = new Map<string, ManifestObject>();
    for (const o of objects) {
      const group = canonicalGroup(table, o.apiVersion, o.kind);
      out.set(identityKey(group, o.kind, o.namespace ?? DEFAULT_NAMESPACE, o.name), o);
      out.set(identityKey(group, o.kind, "", o.name), out.get(identityKey(group, o.kind, "", o.name)) ?? o);
    }
    return out;
  };
  const desired = index(after);
  const live = index(before);
  const items = new Map<number, DryRunItem>();
  report.resources.forEach((r, i) => {
    if (r.change === "removed") return;
    const key = identityKey(canonicalGroup(table, r.apiVersion, r.kind), r.kind, r.namespace, r.name);
    const want = desired.get(key);
    if (want) items.set(i, { desired: want.object, live: live.get(key)?.object, namespace: r.namespace, name: r.name });
  });
  return items;
}

/**
 * check --live: the kubeconfig (--kubeconfig, in-cluster, $KUBECONFIG or ~/.kube/config; --context),
 * the server's /version, the desired manifests (--after), and the live objects they meet
 * (readLiveState). Bad kubeconfig, unreachable server, 401 and RBAC denials are AppErrors (exit 3).
 */
export async function readLiveInputs(options: LiveOptions, io: CommandIO): Promise<LiveInputs> {
  const after = await readManifests(options.after, { stdin: io.stdin });
  const kc = loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), env: io.env });
  selectContext(kc, options.context);
  const server = kc.getCurrentCluster()?.server ?? "";
  const http = createKubeHttp(kc);
  const release = await readServerRelease(http).catch((error: unknown) => {
    throw error instanceof AppError ? new AppError(error.code, `cannot reach the API server ${server} (kubeconfig context ${kc.getCurrentContext() || "(none)"}): ${error.message}`, { cause: error }) : error;
  });
  const state = await readLiveState(http, after);
  return {
    before: state.objects,
    after,
    release,
    source: { server, version: `${release.major}.${release.minor}`, lists: state.lists, objects: state.objects.length, notListed: state.notListed },
    served: (apiVersion, kind) => state.discovery.served(apiVersion, kind),
    async dryRun(report) {
      const items = dryRunItems(report, state.objects, after);
      const order = [...items.keys()];
      const verdicts = await serverDryRun(http, state.discovery, order.map((i) => items.get(i)!));
      return withServerVerdicts(report, new Map<number, ServerVerdict>(order.map((i, n) => [i, verdicts[n]!])));
    },
  };
}
