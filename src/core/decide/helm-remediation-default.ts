import { isJsonObject, ownValue, type JsonObject } from "../k8s/json.ts";
import type { HelmRemediationDefault } from "../policy/recovery-schema.ts";
import type { Defaulting } from "./decision.ts";

/** Flux helm-controller's API group. */
export const HELM_RELEASE_GROUP = "helm.toolkit.fluxcd.io";

/**
 * The HelmRelease versions defaulted: v2 only, the version watch-recovery.md §3.1 documents
 * (helm-controller v1.6.3). v2beta1 and v2beta2 are deprecated since Flux 2.3 (helm-controller
 * v1.0) and with `matchPolicy: Equivalent` and `apiVersions: ["*"]` the API server sends the
 * request in the version the client wrote, so an object still written as v2beta* is left as it is.
 */
export const HELM_RELEASE_DEFAULTED_VERSIONS: readonly string[] = ["v2"];

/** The decision record's reason (and the prefix of the warning) for this default. */
export const HELM_REMEDIATION_DEFAULTED = "helm-remediation-defaulted";

/** What a request is, for defaulting: its kind (as the AdmissionRequest names it) and the incoming object. */
export interface DefaultingSubject {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly object: JsonObject | undefined;
}

function objectAt(object: JsonObject, key: string): JsonObject | undefined | "not-an-object" {
  const value = ownValue(object, key);
  if (value === undefined) return undefined;
  return isJsonObject(value) ? value : "not-an-object";
}

/**
 * The `upgrade.remediation` default for a HelmRelease, or undefined when none applies:
 * the policy has it off; not a helm.toolkit.fluxcd.io/v2 HelmRelease; `spec` missing or not an
 * object (the API server refuses it anyway); `spec.upgrade` not an object; `spec.upgrade.remediation`
 * present in any form (a partial one, or null, is the user's: never completed or replaced);
 * `spec.upgrade.strategy.name: RetryOnFailure` (helm-controller then retries "without applying any
 * remediation", watch-recovery.md §3.1, so a remediation would do nothing but confuse).
 * Keys are read as own properties: a `__proto__` or `constructor` key is data, never a lookup
 * into Object.prototype.
 */
export function helmRemediationDefault(subject: DefaultingSubject, settings: HelmRemediationDefault): Defaulting | undefined {
  if (!settings.enabled) return undefined;
  if (subject.group !== HELM_RELEASE_GROUP || subject.kind !== "HelmRelease" || !HELM_RELEASE_DEFAULTED_VERSIONS.includes(subject.version)) return undefined;
  const object = subject.object;
  if (!object) return undefined;
  const spec = objectAt(object, "spec");
  if (spec === undefined || spec === "not-an-object") return undefined;
  const upgrade = objectAt(spec, "upgrade");
  if (upgrade === "not-an-object") return undefined;
  if (upgrade !== undefined) {
    if (Object.hasOwn(upgrade, "remediation")) return undefined;
    const strategy = objectAt(upgrade, "strategy");
    if (strategy !== undefined && (strategy === "not-an-object" || ownValue(strategy, "name") === "RetryOnFailure")) return undefined;
  }
  const value = { retries: settings.retries, strategy: "rollback" };
  return {
    fields: [{ path: ["spec", "upgrade", "remediation"], value }],
    reason: `${HELM_REMEDIATION_DEFAULTED}: spec.upgrade.remediation was absent, set to retries ${settings.retries}, strategy rollback (recovery.helmRemediationDefault)`,
  };
}
