import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { metaString } from "../../core/k8s/kube-object.ts";
import { AppError, toError } from "../../errors.ts";
import { statusMessage, type KubeHttp } from "./kube-http.ts";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/** Reconnect delays: first retry after 500 ms, doubling to at most 30 s (client-go's reflector backs off similarly). */
export const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 } as const;

export interface ListWatchOptions {
  readonly kc: KubeConfig;
  readonly http: KubeHttp;
  /** Collection path, e.g. `/api/v1/namespaces/gitops-guard/configmaps`. */
  readonly path: string;
  /** Extra query parameters (fieldSelector, labelSelector). */
  readonly query?: Readonly<Record<string, string>>;
  /** The full current state, after every (re)list. */
  readonly onList: (items: readonly JsonObject[]) => void;
  readonly onEvent: (type: WatchEventType, object: JsonObject) => void;
  /** Any failure; the loop retries after `retryInMs`. */
  readonly onError: (error: Error, retryInMs: number) => void;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export interface ListWatch {
  /** Stops the loop and any open watch. */
  stop(): void;
}

type WatchEnd = { readonly relist: boolean; readonly error?: Error; readonly delivered?: boolean };

function queryString(query: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams(query).toString();
  return params === "" ? "" : `?${params}`;
}

function resourceVersionOf(object: JsonObject): string | undefined {
  return metaString(object, "resourceVersion");
}

/**
 * List, then watch from the list's resourceVersion, like client-go's reflector: a watch that ends
 * normally (server timeout) resumes from the last resourceVersion seen (bookmarks included); a
 * 410 Expired relists; any failure retries with exponential backoff. Objects stay raw JSON.
 */
export function listWatch(options: ListWatchOptions): ListWatch {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const query = options.query ?? {};
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  async function list(): Promise<string> {
    const response = await options.http.request("GET", `${options.path}${queryString(query)}`);
    if (response.status !== 200 || !isJsonObject(response.body)) {
      throw new AppError("ERR_KUBE_UNAVAILABLE", `list ${options.path}: ${statusMessage(response)}`);
    }
    const items = Array.isArray(response.body["items"]) ? response.body["items"].filter(isJsonObject) : [];
    options.onList(items);
    return resourceVersionOf(response.body) ?? "";
  }

  async function watchFrom(resourceVersion: string): Promise<WatchEnd & { resourceVersion: string }> {
    let rv = resourceVersion;
    let relist = false;
    let delivered = false;
    const ended = new Promise<WatchEnd>((resolve) => {
      const handle = (phase: string, apiObj: unknown): void => {
        if (!isJsonObject(apiObj)) return;
        if (phase === "ERROR") {
          // A Status object: 410 Expired/Gone means our resourceVersion is too old.
          relist = true;
          return;
        }
        rv = resourceVersionOf(apiObj) ?? rv;
        delivered = true;
        if (phase === "ADDED" || phase === "MODIFIED" || phase === "DELETED") {
          try {
            options.onEvent(phase, apiObj);
          } catch (err) {
            // A handler that throws must be heard: client-node's watch would swallow it silently.
            options.onError(toError(err), 0);
          }
        }
      };
      new Watch(options.kc)
        .watch(options.path, { ...query, resourceVersion: rv, allowWatchBookmarks: true }, handle, (err: unknown) =>
          resolve(err ? { relist: true, error: toError(err) } : { relist }),
        )
        .then((controller) => {
          abort = controller;
          if (stopped) controller.abort();
        }, (err: unknown) => resolve({ relist: true, error: toError(err) }));
    });
    const end = await ended;
    return { ...end, delivered, resourceVersion: rv };
  }

  async function run(): Promise<void> {
    let delay = backoff.initialMs;
    while (!stopped) {
      try {
        let rv = await list();
        for (;;) {
          if (stopped) return;
          const end = await watchFrom(rv);
          // Backoff resets only once a watch has delivered something: a server that lists but
          // refuses or ends every watch at once (RBAC without watch) is retried ever more slowly.
          if (end.delivered) delay = backoff.initialMs;
          if (end.error && !stopped) throw end.error;
          if (!end.delivered && !stopped) {
            await sleep(delay);
            delay = Math.min(backoff.maxMs, delay * 2);
          }
          if (end.relist) break;
          rv = end.resourceVersion;
        }
      } catch (err) {
        if (stopped) return;
        options.onError(toError(err), delay);
        await sleep(delay);
        delay = Math.min(backoff.maxMs, delay * 2);
      }
    }
  }

  void run();
  return {
    stop() {
      stopped = true;
      abort?.abort();
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
}
