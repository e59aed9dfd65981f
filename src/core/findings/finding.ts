import type { JsonValue } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";

/**
 * What kind of problem a finding is (DESIGN "The core"):
 * - `immutable`: the API server would refuse the change (built-in kinds);
 * - `server-assigned`: the client dropped or cleared a value the server assigned; not a change of intent;
 * - `declared`: immutable by a CRD's schema (`x-kubernetes-validations` with `oldSelf`) or by policy;
 * - `risky`: allowed by the API server but known to hurt;
 * - `held`: a selector a running replacement holds during its cut-over (`gitops-guard.io/selector-hold`);
 *   the webhook keeps the live value (src/core/decide/held-selector.ts).
 */
export const FINDING_CLASSES = ["immutable", "server-assigned", "declared", "risky", "held"] as const;
export type FindingClass = (typeof FINDING_CLASSES)[number];

/** `blocking`: the apply fails (or must not happen); `warning`: it works but hurts; `info`: noted. */
export const SEVERITIES = ["blocking", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * How the finding is resolved.
 * - `recreate`: delete and create the object (Flux `force: enabled`, Argo CD `Replace=true,Force=true`);
 * - `orphan-recreate`: delete with `propagationPolicy: Orphan` so pods keep serving, create the new
 *   object, then remove the orphans once it is healthy;
 * - `blue-green`: create the new version under a new name, move traffic, delete the old;
 * - `restore`: put the server-assigned value back (the webhook's patch does it);
 * - `revert`: change the manifest back;
 * - `migrate`: data-bearing object: copy the data to a new object first, never recreate blindly;
 * - `review`: nothing to replace; a person should confirm the effect.
 */
export type Strategy = "recreate" | "orphan-recreate" | "blue-green" | "restore" | "revert" | "migrate" | "review";

/**
 * The Kubernetes release (and the feature gates, by name → on) a finding was judged under, set
 * when the rule depends on them: the same change may be accepted by another release.
 */
export interface JudgedUnder {
  readonly kubernetesVersion: string;
  readonly featureGates?: Readonly<Record<string, boolean>>;
}

/** One rule violated at one field path. Values are the raw JSON values (undefined = absent). */
export interface Finding {
  /** Stable id: `<group or core>.<Kind>.<field>`, e.g. `apps.Deployment.selector`. */
  readonly ruleId: string;
  /** Kubernetes field-path notation: `spec.selector.matchLabels.tier`. */
  readonly path: string;
  /** The same path as JSON segments (for patches). */
  readonly segments: readonly PathSegment[];
  readonly from: JsonValue | undefined;
  readonly to: JsonValue | undefined;
  readonly class: FindingClass;
  readonly severity: Severity;
  readonly strategy: Strategy;
  /** One sentence: why the API server refuses it (or why it hurts). */
  readonly message: string;
  /** Present when the verdict depends on the release or a feature gate. */
  readonly judgedUnder?: JudgedUnder;
}
