import { z } from "zod";
import { AppError } from "../../errors.ts";
import { releaseOfVersionInfo, type KubeRelease } from "../../core/kube/kube-release.ts";
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
