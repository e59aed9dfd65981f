import type { JsonValue } from "../../../src/core/k8s/json.ts";

/**
 * intstr.GetScaledValueFromIntOrPercent: an integer as is; "N%" as N % of `total`, rounded up
 * (maxSurge) or down (maxUnavailable); absent → `fallback`. Anything else throws, as the API
 * server's validation would have refused the object.
 */
export function scaledValue(value: JsonValue | undefined, total: number, roundUp: boolean, fallback: JsonValue): number {
  const given = value ?? fallback;
  if (typeof given === "number" && Number.isInteger(given)) return given;
  const match = typeof given === "string" ? /^(\d+)%$/.exec(given) : null;
  if (!match) throw new Error(`invalid value for IntOrString: ${JSON.stringify(given)}`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
