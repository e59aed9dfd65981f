import { FEATURE_GATES, gateStage, isGateName, type GateName } from "./feature-gates.ts";
import { formatRelease, type KubeRelease } from "./kube-release.ts";

/** Where the release judged against came from (shown in reports and records). */
export type ReleaseSource = "flag" | "policy" | "api-server" | "default";

/**
 * The cluster the catalogue is built for: a release, and the feature gates set differently from
 * that release's defaults (policy `kubernetes.featureGates`). Only overrides that can take effect
 * are kept; the others are explained in `notes`.
 */
export interface KubeTarget {
  readonly release: KubeRelease;
  readonly source: ReleaseSource;
  /** Gate → state, for gates set differently from the release's default (a Map: names are user input). */
  readonly overrides: ReadonlyMap<GateName, boolean>;
  /** Why an override was ignored (a gate the release lacks, or one locked to its default). */
  readonly notes: readonly string[];
}

/** True when the gate is on in the target: its override, else the release's default (absent = off). */
export function gateEnabled(target: KubeTarget, name: GateName): boolean {
  const override = target.overrides.get(name);
  if (override !== undefined) return override;
  return gateStage(name, target.release)?.enabled ?? false;
}

/**
 * The target for a release and the policy's gate settings. An override of a gate the release does
 * not have, or of a GA gate locked to its default, cannot be what the cluster runs with
 * (kube-apiserver refuses to start): it is ignored and noted. Unknown gate names never reach here
 * (the policy schema refuses them).
 */
export function kubeTarget(release: KubeRelease, source: ReleaseSource, featureGates: ReadonlyMap<string, boolean> = new Map()): KubeTarget {
  const overrides = new Map<GateName, boolean>();
  const notes: string[] = [];
  for (const [name, enabled] of featureGates) {
    if (!isGateName(name)) continue;
    const gate = name;
    const stage = gateStage(gate, release);
    if (!stage) {
      notes.push(`feature gate ${gate} does not exist in Kubernetes ${formatRelease(release)}; the setting is ignored`);
    } else if (stage.locked && stage.enabled !== enabled) {
      notes.push(`feature gate ${gate} is ${stage.stage} and locked to ${String(stage.enabled)} in Kubernetes ${formatRelease(release)}; the setting is ignored`);
    } else if (stage.enabled !== enabled) {
      overrides.set(gate, enabled);
    }
  }
  return { release, source, overrides, notes };
}

/** The gates the catalogue knows, each with its state in the target (for reports). */
export function gateStates(target: KubeTarget): { readonly name: GateName; readonly enabled: boolean; readonly overridden: boolean }[] {
  return (Object.keys(FEATURE_GATES) as GateName[])
    .filter((name) => gateStage(name, target.release) !== undefined)
    .map((name) => ({ name, enabled: gateEnabled(target, name), overridden: target.overrides.has(name) }));
}
