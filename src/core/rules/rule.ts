import type { JsonObject, JsonValue } from "../k8s/json.ts";
import type { PathSegment } from "../k8s/field-path.ts";
import type { FieldChange } from "../compare/compare-objects.ts";
import type { FindingClass, Severity, Strategy } from "../findings/finding.ts";
import type { GateName } from "../kube/feature-gates.ts";
import type { KubeRelease } from "../kube/kube-release.ts";
import type { KubeTarget } from "../kube/kube-target.ts";

/** What a rule sees: the live (old) object, the incoming (new) object and their differences. */
export interface RuleInput {
  readonly old: JsonObject;
  readonly new: JsonObject;
  /** compareObjects(old, new), computed once per object pair. */
  readonly changes: readonly FieldChange[];
  /** Facts about the cluster when known (from manifests or the API); absent = unknown. */
  readonly cluster: ClusterFacts;
  /**
   * The release and feature gates the catalogue was built for (absent for a hand-built catalogue).
   * Rules that differ by release are variants selected by `since`/`until`/`gates`; only checks whose
   * every field may be gated (the generic Pod rule's new fields) read it.
   */
  readonly kube?: KubeTarget;
}

/** Facts some rules need beyond the object pair. Unknown facts never make a change blocking. */
export interface ClusterFacts {
  /** StorageClasses by name, for PVC expansion (`allowVolumeExpansion`). */
  readonly storageClasses?: ReadonlyMap<string, JsonObject>;
}

/** One place a rule is broken. `from`/`to` undefined = absent on that side. */
export interface Violation {
  readonly path: readonly PathSegment[];
  readonly from: JsonValue | undefined;
  readonly to: JsonValue | undefined;
  /** Replaces the rule's `why` for this violation when the reason is more specific. */
  readonly detail?: string;
  /** Replaces the rule's severity for this violation (a CRD rule that could not be evaluated: info). */
  readonly severity?: Severity;
}

/**
 * The condition under which the API server refuses a change at the rule's path:
 * - `frozen`: any change (semantic equality; `defaultValue` stands in for an absent value);
 * - `set-once`: may go from unset to a value, never change after;
 * - `custom`: anything else, as a function of the input.
 */
export type Check =
  | { readonly type: "frozen" }
  | { readonly type: "set-once" }
  | { readonly type: "custom"; readonly evaluate: (input: RuleInput, rule: CompiledRule) => Violation[] };

export interface Rule {
  /** Stable id: `<group or core>.<Kind>.<field>`. */
  readonly id: string;
  /** API group ("" for core, "*" for every group). */
  readonly group: string;
  /** Kind ("*" for every kind). */
  readonly kind: string;
  /** Path pattern (`spec.selector`, `spec.containers[*].image`). */
  readonly path: string;
  /**
   * Other path patterns a `custom` check reads from the objects (`spec.selector` for the template
   * labels rule). find compares only the paths the kind's rules watch (their `path` and `reads`)
   * and judges nothing when none of them changed: the live object passed the same validation, so
   * a pair equal on everything the checks read is never refused. A missing entry makes a refused
   * change go unreported (test/core/rules/find-findings.test.ts compares with a whole-object
   * compare on every fixture pair). Default: none. A `when` condition only narrows: no entry.
   */
  readonly reads?: readonly string[];
  /**
   * Go pointer-to-struct fields below `path` (relative to it; "*" = any key or index), where `{}`
   * is a set value that differs from absent (see CompareOptions.pointerStructs). find's compare
   * reports `{}` against absent there, so the rule is judged; the check compares them the same way.
   * Default: none.
   */
  readonly pointerStructs?: readonly (readonly PathSegment[])[];
  readonly class: FindingClass;
  readonly check: Check;
  /** Extra precondition on the pair (e.g. ConfigMap: old `immutable: true`). Default: always. */
  readonly when?: (input: RuleInput) => boolean;
  /**
   * Judges a created object (no old version), for rules the API server also applies on CREATE
   * (a CRD's x-kubernetes-validations rules in `check`). Default: the rule judges updates only.
   */
  readonly create?: (object: JsonObject) => Violation[];
  /** The value the API server defaults when the field is absent (compared in its place). */
  readonly defaultValue?: JsonValue;
  /** Why the API server refuses it, one short sentence for people. */
  readonly why: string;
  /** The field error the API server returns (after `... is invalid: `). */
  readonly apiError?: string;
  /**
   * True when `apiError` was not read in the Kubernetes source of the releases it holds in, but
   * reconstructed from a PR, a KEP or the declarative tag's runtime (reference/k8s-immutability-1.34-plus.md
   * marks them "reconstructed"). Match refusals on the field path, not on this text.
   */
  readonly apiErrorReconstructed?: true;
  /**
   * The declarative-validation text a release with `DeclarativeValidationBeta` on (v1.37 for the
   * `+k8s:beta` tagged fields) may return instead of `apiError` (reference §3); derived, not observed.
   */
  readonly declarativeApiError?: string;
  /** Where the rule lives in the Kubernetes source (reference/k8s-immutable-fields.md). */
  readonly source: string;
  /** Version dependence, when the rule differs across kube-apiserver releases (for people). */
  readonly kubeVersions?: string;
  /**
   * The first release in which the rule holds (`"1.36"`); default: every release the catalogue
   * knows (v1.33 on). catalogueFor leaves the rule out of catalogues for older releases.
   */
  readonly since?: string;
  /** The first release in which the rule no longer holds (exclusive); default: it still holds. */
  readonly until?: string;
  /**
   * Feature-gate states the rule holds under, all of them (`{ MutablePVNodeAffinity: false }`):
   * judged against the release's default or the policy's override (kube/kube-target.ts).
   */
  readonly gates?: Readonly<Partial<Record<GateName, boolean>>>;
  /**
   * The subresource the rule judges (`resize` for pods/resize); default: the main resource.
   * Wildcard rules (`*`) judge main resources only.
   */
  readonly subresource?: string;
  /** Default: immutable/declared → blocking, server-assigned → warning, risky → warning. */
  readonly severity?: Severity;
  /** Default: by class and kind (see defaultStrategy). */
  readonly strategy?: Strategy;
}

/** A rule with its path patterns parsed once, when the catalogue is built. */
export interface CompiledRule extends Rule {
  readonly root: readonly PathSegment[];
  /** `since` and `until` parsed (undefined = open). */
  readonly releases: { readonly since?: KubeRelease; readonly until?: KubeRelease };
  /** `root` and the parsed `reads`: where a change makes the rule worth judging. */
  readonly watched: readonly (readonly PathSegment[])[];
}
