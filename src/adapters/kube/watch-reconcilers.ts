import { toError } from "../../errors.ts";
import type { KubeConfig } from "@kubernetes/client-node";
import { parseReconcilable, type Reconcilable } from "../../core/assess/reconcilable.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { metaString } from "../../core/k8s/kube-object.ts";
import { subjectKey } from "../../core/assess/object-ref.ts";
import type { KubeHttp } from "./kube-http.ts";
import { listWatch, type ListWatch } from "./list-watch.ts";

/** The kinds watch follows, with the API versions tried in order (the first one served wins). */
export const WATCHED_KINDS = [
  { kind: "Kustomization", group: "kustomize.toolkit.fluxcd.io", versions: ["v1"], plural: "kustomizations" },
  { kind: "HelmRelease", group: "helm.toolkit.fluxcd.io", versions: ["v2", "v2beta2"], plural: "helmreleases" },
  { kind: "Application", group: "argoproj.io", versions: ["v1alpha1"], plural: "applications" },
] as const;

/** A missing CRD is looked for again this often (installing Flux or Argo CD later is normal). */
export const CRD_RECHECK_MS = 60_000;

export interface ReconcilerWatchHandlers {
  /** The full set of one kind after a (re)list. */
  readonly onReplace: (kind: string, objects: readonly Reconcilable[]) => void;
  readonly onUpsert: (object: Reconcilable) => void;
  readonly onDelete: (key: string) => void;
  /** An object of a watched kind that does not parse: reported once per object and resourceVersion. */
  readonly onInvalid: (key: string, error: string) => void;
  readonly onConnected: (kind: string, up: boolean) => void;
  /** Its CRD is not served: reported once until it appears. */
  readonly onMissing: (kind: string) => void;
  readonly onFound: (kind: string, apiVersion: string) => void;
  readonly onError: (kind: string, error: Error, retryInMs: number) => void;
}

export interface ReconcilerWatch {
  /** True once every kind has either listed once or is known to be missing. */
  synced(): boolean;
  stop(): void;
}

function keyOfRaw(kind: string, object: JsonObject): string {
  return subjectKey(kind, metaString(object, "namespace") ?? "", metaString(object, "name") ?? "");
}

async function servedVersion(http: KubeHttp, group: string, versions: readonly string[], plural: string): Promise<string | undefined> {
  for (const version of versions) {
    const r = await http.request("GET", `/apis/${group}/${version}`);
    if (r.status !== 200 || !isJsonObject(r.body)) continue;
    const resources = r.body["resources"];
    if (Array.isArray(resources) && resources.some((x) => isJsonObject(x) && x["name"] === plural)) return version;
  }
  return undefined;
}

/**
 * List + watch of Kustomizations, HelmReleases and Applications (all namespaces, or one), each
 * parsed once with zod as it arrives. A kind whose CRD is not installed is reported once and
 * looked for again every CRD_RECHECK_MS; reconnects, 410 relists and backoff are list-watch.ts's.
 */
export function watchReconcilers(options: { readonly kc: KubeConfig; readonly http: KubeHttp; readonly namespace?: string; readonly recheckMs?: number }, h: ReconcilerWatchHandlers): ReconcilerWatch {
  const watches: ListWatch[] = [];
  const timers: NodeJS.Timeout[] = [];
  const ready = new Set<string>();
  const invalidSeen = new Set<string>();
  let stopped = false;

  const parse = (kind: string, raw: JsonObject): Reconcilable | undefined => {
    const parsed = parseReconcilable(raw);
    if (parsed.ok) return parsed.value;
    const key = keyOfRaw(kind, raw);
    const seen = `${key}@${metaString(raw, "resourceVersion") ?? ""}`;
    if (!invalidSeen.has(seen)) {
      invalidSeen.add(seen);
      h.onInvalid(key, parsed.error);
    }
    return undefined;
  };

  const start = (spec: (typeof WATCHED_KINDS)[number], version: string): void => {
    const base = `/apis/${spec.group}/${version}`;
    const path = options.namespace === undefined ? `${base}/${spec.plural}` : `${base}/namespaces/${encodeURIComponent(options.namespace)}/${spec.plural}`;
    watches.push(
      listWatch({
        kc: options.kc,
        http: options.http,
        path,
        onList: (items) => {
          ready.add(spec.kind);
          h.onConnected(spec.kind, true);
          h.onReplace(spec.kind, items.map((i) => parse(spec.kind, i)).filter((o): o is Reconcilable => o !== undefined));
        },
        onEvent: (type, object) => {
          h.onConnected(spec.kind, true);
          if (type === "DELETED") h.onDelete(keyOfRaw(spec.kind, object));
          else {
            const parsed = parse(spec.kind, object);
            if (parsed) h.onUpsert(parsed);
            else h.onDelete(keyOfRaw(spec.kind, object));
          }
        },
        onError: (error, retryInMs) => {
          h.onConnected(spec.kind, false);
          h.onError(spec.kind, error, retryInMs);
        },
      }),
    );
  };

  const find = async (spec: (typeof WATCHED_KINDS)[number], reported: boolean): Promise<void> => {
    if (stopped) return;
    let version: string | undefined;
    try {
      version = await servedVersion(options.http, spec.group, spec.versions, spec.plural);
    } catch (err) {
      h.onError(spec.kind, toError(err), options.recheckMs ?? CRD_RECHECK_MS);
    }
    if (stopped) return;
    if (version !== undefined) {
      h.onFound(spec.kind, `${spec.group}/${version}`);
      start(spec, version);
      return;
    }
    // No connected series for a kind that is not installed: a Flux-only cluster must not alert on Argo CD.
    ready.add(spec.kind);
    if (!reported) h.onMissing(spec.kind);
    timers.push(setTimeout(() => void find(spec, true), options.recheckMs ?? CRD_RECHECK_MS));
  };

  for (const spec of WATCHED_KINDS) void find(spec, false);
  return {
    synced: () => ready.size === WATCHED_KINDS.length,
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const w of watches) w.stop();
    },
  };
}

