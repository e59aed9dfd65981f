import { z } from "zod";
import { AppError } from "../../errors.ts";
import { compareReleases, releaseOfVersionInfo, type KubeRelease } from "../../core/kube/kube-release.ts";
import type { ListWatch } from "./list-watch.ts";
import { statusMessage, type KubeHttp } from "./kube-http.ts";

/** discovery's `/version` body (k8s.io/apimachinery/pkg/version.Info); only these fields are read. */
const versionInfoSchema = z.looseObject({
  major: z.string().max(16).optional(),
  minor: z.string().max(16).optional(),
  gitVersion: z.string().max(128).optional(),
});

/** How long start-up waits for /version before going on with --kube-version (ms). */
export const VERSION_TIMEOUT_MS = 5_000;

/**
 * The API server's own release, from `GET /version` (readable by every authenticated user through
 * the system:public-info-viewer ClusterRole). Throws ERR_KUBE_UNAVAILABLE when it cannot be read or
 * understood; the caller decides what to fall back to.
 */
export async function readServerRelease(http: KubeHttp, timeoutMs: number = VERSION_TIMEOUT_MS): Promise<KubeRelease> {
  const response = await http.request("GET", "/version", { timeoutMs });
  if (response.status !== 200) throw new AppError("ERR_KUBE_UNAVAILABLE", `GET /version: ${statusMessage(response)}`);
  const parsed = versionInfoSchema.safeParse(response.body);
  const release = parsed.success ? releaseOfVersionInfo(parsed.data) : undefined;
  if (!release) throw new AppError("ERR_KUBE_UNAVAILABLE", "GET /version: no Kubernetes release in the answer");
  return release;
}

/**
 * How often serve reads /version again (ms). A control-plane upgrade changes the release under a
 * running webhook (managed upgrades take tens of minutes per minor release), and watches reconnect
 * through it; one small GET every 5 minutes notices it within that time at no measurable cost.
 */
export const VERSION_REFRESH_MS = 5 * 60_000;

/**
 * Reads /version every `intervalMs` and calls `onRelease` when the release differs from the last
 * one known (`initial`, the one read at start). Failures go to `onError` and are retried at the
 * next interval. The timer never keeps the process alive; stop() ends it.
 */
export function followServerRelease(
  http: KubeHttp,
  options: { readonly initial?: KubeRelease; readonly intervalMs?: number; readonly onRelease: (release: KubeRelease) => void; readonly onError: (err: unknown) => void },
): ListWatch {
  let known = options.initial;
  let stopped = false;
  let running = false;
  const tick = async (): Promise<void> => {
    if (running || stopped) return;
    running = true;
    try {
      const release = await readServerRelease(http);
      if (!stopped && (!known || compareReleases(known, release) !== 0)) {
        known = release;
        options.onRelease(release);
      }
    } catch (err) {
      if (!stopped) options.onError(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? VERSION_REFRESH_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
