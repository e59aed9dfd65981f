import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";

/** The spelling canonicalQuantity gives an amount: `<integer>e-<scale>` (8 → `8e-0`, 0.5 → `5e-1`). */
const CANONICAL = /^(-?)(\d+)e-(\d+)$/;

/** A canonical quantity as a plain decimal (`8e-0` → `8`, `5e-1` → `0.5`); other values unchanged. */
export function plainQuantity(value: string): string {
  const match = CANONICAL.exec(value);
  if (!match) return value;
  const [, sign = "", digits = "", scaleText = "0"] = match;
  const scale = Number(scaleText);
  if (scale === 0) return `${sign}${digits}`;
  const padded = digits.padStart(scale + 1, "0");
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

function plainQuantities(value: JsonValue): JsonValue {
  if (typeof value === "string") return plainQuantity(value);
  if (Array.isArray(value)) return value.map(plainQuantities);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) out[key] = plainQuantities(item);
  return out;
}

/**
 * The value to show for one side of a change that was compared normalised (defaults filled in,
 * quantities canonical): what the manifest (or the stored object) wrote at that path when it wrote
 * something (and the comparison saw a value there too), otherwise the normalised value (a default the API server fills in) with its
 * quantities spelt as plain decimals. Compare normalised, show as written: a denial reads
 * `requests.cpu "8" → "4"`, never the canonical `8e-0`.
 */
export function asWritten(written: JsonValue | undefined, normalised: JsonValue | undefined): JsonValue | undefined {
  if (normalised === undefined) return undefined;
  return written ?? plainQuantities(normalised);
}
