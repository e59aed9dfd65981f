import type { JudgedUnder } from "../findings/finding.ts";
import { formatRelease } from "./kube-release.ts";
import type { KubeTarget, ReleaseSource } from "./kube-target.ts";

/** What a report says about the cluster it judged against (check's text and JSON, docs/check-kubernetes-version.md). */
export interface KubernetesContext {
  /** `1.37`. */
  readonly version: string;
  /** Where the release came from: `flag`, `policy`, `api-server` or `default` (the newest the catalogue knows). */
  readonly source: ReleaseSource;
  /** Gates set differently from the release's defaults (policy `kubernetes.featureGates`), by name. */
  readonly featureGates: Readonly<Record<string, boolean>>;
  /** Settings that were ignored, and a cluster outside the known releases. */
  readonly notes: readonly string[];
}

export function kubernetesContext(target: KubeTarget): KubernetesContext {
  const featureGates: Record<string, boolean> = {};
  for (const [name, enabled] of target.overrides) featureGates[name] = enabled;
  return { version: formatRelease(target.release), source: target.source, featureGates, notes: target.notes };
}

const SOURCE_TEXT: Record<ReleaseSource, string> = {
  flag: "--kube-version",
  policy: "policy kubernetes.version",
  "api-server": "the API server's /version",
  default: "the newest release the catalogue knows; set --kube-version or kubernetes.version for your cluster",
};

function gatesText(gates: Readonly<Record<string, boolean>>): string {
  return Object.entries(gates).map(([name, enabled]) => `${name}=${String(enabled)}`).join(", ");
}

/** One line for people: `judged against Kubernetes 1.37 (from --kube-version; feature gates X=true)`. */
export function describeKubernetes(context: KubernetesContext): string {
  const gates = Object.keys(context.featureGates).length > 0 ? `; feature gates ${gatesText(context.featureGates)}` : "";
  const notes = context.notes.map((note) => `\nnote: ${note}`).join("");
  return `judged against Kubernetes ${context.version} (${SOURCE_TEXT[context.source]}${gates})${notes}`;
}

/** `Kubernetes 1.37, MutablePVNodeAffinity=false`: what a finding's verdict depended on. */
export function describeJudgedUnder(under: JudgedUnder): string {
  const gates = under.featureGates && Object.keys(under.featureGates).length > 0 ? `, ${gatesText(under.featureGates)}` : "";
  return `judged for Kubernetes ${under.kubernetesVersion}${gates}`;
}
