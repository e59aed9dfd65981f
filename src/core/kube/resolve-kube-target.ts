import { formatRelease, isKnownRelease, nearestKnownRelease, parseRelease, NEWEST_KNOWN_RELEASE, type KubeRelease } from "./kube-release.ts";
import { kubeTarget, type KubeTarget } from "./kube-target.ts";

/** What is known about the cluster's release, each already read and checked at its edge. */
export interface KubeVersionSources {
  /** The API server's own `/version` (serve, watch): the cluster itself, so it wins. */
  readonly apiServer?: KubeRelease;
  /** `--kube-version`. */
  readonly flag?: KubeRelease;
  /** The policy's `kubernetes` section (version checked by the policy schema). */
  readonly policy?: { readonly version?: string | undefined; readonly featureGates: Readonly<Record<string, boolean>> };
}

/**
 * The target the catalogue is built for: the API server's own release when it was read, else
 * `--kube-version`, else the policy's `kubernetes.version`, else the newest release the catalogue
 * knows; the policy's feature gates on top. A cluster older or newer than the catalogue knows is
 * judged as the nearest known release, and the target says so in its notes.
 */
export function resolveKubeTarget(sources: KubeVersionSources): KubeTarget {
  const gates = new Map<string, boolean>();
  // Own keys only (the schema already refused names that are not gates).
  for (const name of Object.keys(sources.policy?.featureGates ?? {})) {
    const enabled = sources.policy?.featureGates[name];
    if (enabled !== undefined) gates.set(name, enabled);
  }
  const fromPolicy = sources.policy?.version !== undefined ? parseRelease(sources.policy.version) : undefined;
  const [release, source] = sources.apiServer
    ? [sources.apiServer, "api-server" as const]
    : sources.flag
      ? [sources.flag, "flag" as const]
      : fromPolicy
        ? [fromPolicy, "policy" as const]
        : [NEWEST_KNOWN_RELEASE, "default" as const];
  const known = nearestKnownRelease(release);
  const target = kubeTarget(known, source, gates);
  if (isKnownRelease(release)) return target;
  const note = `the cluster runs Kubernetes ${formatRelease(release)}; the catalogue knows ${formatRelease({ major: 1, minor: 33 })}–${formatRelease(NEWEST_KNOWN_RELEASE)} and judges it as ${formatRelease(known)}`;
  return { ...target, notes: [note, ...target.notes] };
}
