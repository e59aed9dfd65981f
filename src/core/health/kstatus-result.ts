import { isJsonObject, type JsonObject, type JsonValue } from "../k8s/json.ts";

/**
 * kstatus statuses (sigs.k8s.io/cli-utils pkg/kstatus/status; Flux uses the fork fluxcd/cli-utils):
 * what Flux's health checks wait for (watch-recovery.md §4.1). NotFound is the caller's to report.
 */
export type KStatus = "InProgress" | "Failed" | "Current" | "Terminating" | "NotFound" | "Unknown";

export interface HealthResult {
  readonly status: KStatus;
  readonly message: string;
}

export const current = (message: string): HealthResult => ({ status: "Current", message });
export const inProgress = (message: string): HealthResult => ({ status: "InProgress", message });
export const failed = (message: string): HealthResult => ({ status: "Failed", message });

/** A field of a JSON object by path, when every step is an object. */
export function at(obj: JsonObject, ...path: string[]): JsonValue | undefined {
  let value: JsonValue | undefined = obj;
  for (const key of path) {
    if (!isJsonObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

export function num(obj: JsonObject, ...path: string[]): number | undefined {
  const v = at(obj, ...path);
  return typeof v === "number" ? v : undefined;
}

export function str(obj: JsonObject, ...path: string[]): string | undefined {
  const v = at(obj, ...path);
  return typeof v === "string" ? v : undefined;
}

export interface Cond {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

export function conditions(obj: JsonObject): Cond[] {
  const list = at(obj, "status", "conditions");
  if (!Array.isArray(list)) return [];
  return list.filter(isJsonObject).map((c) => ({
    type: typeof c["type"] === "string" ? c["type"] : "",
    status: typeof c["status"] === "string" ? c["status"] : "",
    reason: typeof c["reason"] === "string" ? c["reason"] : "",
    message: typeof c["message"] === "string" ? c["message"] : "",
    lastTransitionTime: typeof c["lastTransitionTime"] === "string" ? c["lastTransitionTime"] : "",
  }));
}

export function condition(obj: JsonObject, type: string): Cond | undefined {
  return conditions(obj).find((c) => c.type === type);
}
