import type { JsonObject } from "../k8s/json.ts";
import { groupOf } from "../k8s/kube-object.ts";
import { formatRelease, type KubeRelease } from "../kube/kube-release.ts";
import { describeRemoval, isRemovedIn, removedApiOf, type RemovedApi } from "../kube/removed-apis.ts";
import type { ReportFinding } from "./impact-report.ts";

/** The finding on an object written in an API version the target release no longer serves. */
export const API_REMOVED_RULE_ID = "api.removed";
/** The finding on an object in an API version that is still served but already scheduled for removal. */
export const API_DEPRECATED_RULE_ID = "api.deprecated";
/** Live mode: the API server's discovery does not list the apiVersion and kind (and the table does not know why). */
export const API_NOT_SERVED_RULE_ID = "api.not-served";

/** The findings on `apiVersion` itself (removed, deprecated, not served): fixed in the manifest, never by a replacement. */
export function isApiVersionFinding(ruleId: string): boolean {
  return ruleId === API_REMOVED_RULE_ID || ruleId === API_DEPRECATED_RULE_ID || ruleId === API_NOT_SERVED_RULE_ID;
}

/**
 * What the live API server serves, from discovery: `true`/`false` for a group/version it answered
 * about, `undefined` when unknown (offline, or discovery of that group failed).
 */
export type ServedLookup = (apiVersion: string, kind: string) => boolean | undefined;

/** How removed APIs are judged: the release the objects are written to, and (live) what it serves. */
export interface ApiServingContext {
  readonly table: ReadonlyMap<string, RemovedApi>;
  /** The release judged against: --kube-version, the policy's, the live server's (not clamped to the known ones). */
  readonly release: KubeRelease;
  readonly served?: ServedLookup;
}

/**
 * The finding on `apiVersion` for an object this change writes (added or modified), if its API is
 * removed or not served: blocking when the release (or the live server's discovery) no longer
 * accepts it, a warning when it is still served but scheduled for removal. Never fatal: the rest of
 * the object is still judged (judgedObject).
 */
export function removedApiFinding(apiVersion: string, kind: string, context: ApiServingContext): ReportFinding | undefined {
  const api = removedApiOf(context.table, apiVersion, kind);
  const served = context.served?.(apiVersion, kind);
  if (api) {
    const removed = served === false || (served === undefined && isRemovedIn(api, context.release));
    const to = api.replacement;
    if (removed) {
      return {
        ruleId: API_REMOVED_RULE_ID,
        path: "apiVersion",
        class: "immutable",
        severity: "blocking",
        from: apiVersion,
        ...(to ? { to } : {}),
        strategy: "revert",
        message: `${describeRemoval(api)}; the API server answers 404 for it, so the apply fails${served === false ? " (the live server's discovery does not list it)" : ` (judged against Kubernetes ${formatRelease(context.release)})`}`,
      };
    }
    return {
      ruleId: API_DEPRECATED_RULE_ID,
      path: "apiVersion",
      class: "risky",
      severity: "warning",
      from: apiVersion,
      ...(to ? { to } : {}),
      strategy: "revert",
      message: `${describeRemoval(api)}; still served by Kubernetes ${formatRelease(context.release)}, refused after the upgrade`,
    };
  }
  if (served === false) {
    return {
      ruleId: API_NOT_SERVED_RULE_ID,
      path: "apiVersion",
      class: "immutable",
      severity: "blocking",
      from: apiVersion,
      strategy: "revert",
      message: `the live API server does not serve ${kind} in ${apiVersion} (discovery lists no such resource${groupOf(apiVersion) === "" ? "" : `; a CustomResourceDefinition version that is not served, or an API group that is not installed`}): the apply fails`,
    };
  }
  return undefined;
}

/**
 * The object as the catalogue judges it: a removed apiVersion whose successor holds the same object
 * (extensions/v1beta1 Deployment → apps/v1) is judged by the successor's rules, so the rest of the
 * object is still checked as far as its shape allows. Otherwise the object itself.
 */
export function judgedObject(object: JsonObject, table: ReadonlyMap<string, RemovedApi>): JsonObject {
  const apiVersion = object["apiVersion"];
  const kind = object["kind"];
  if (typeof apiVersion !== "string" || typeof kind !== "string") return object;
  const api = removedApiOf(table, apiVersion, kind);
  return api?.replacement ? { ...object, apiVersion: api.replacement } : object;
}

/**
 * The API group an object is paired in: a removed apiVersion's successor group when it moved
 * (extensions Deployment → apps): the API server stores one object under both, so a manifest that
 * moves from extensions/v1beta1 to apps/v1 modifies the object rather than replacing it.
 */
export function canonicalGroup(table: ReadonlyMap<string, RemovedApi>, apiVersion: string, kind: string): string {
  const api = removedApiOf(table, apiVersion, kind);
  return groupOf(api?.replacement ?? apiVersion);
}
