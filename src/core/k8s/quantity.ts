/**
 * Kubernetes resource quantities ("10Gi", "500M", "1.5", "100m", "1e3") as exact rationals,
 * so that "1Gi" and "1024Mi" compare equal and a PVC shrink is recognised whatever the suffix.
 * Grammar: k8s.io/apimachinery/pkg/api/resource/quantity.go.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** An exact quantity: numerator / 10^scale. */
export interface Quantity {
  readonly numerator: bigint;
  readonly scale: number;
}

/** Parses a quantity; undefined when the text is not a valid Kubernetes quantity. */
export function parseQuantity(text: string | number): Quantity | undefined {
  const match = QUANTITY.exec(String(text).trim());
  if (!match) return undefined;
  const [, sign = "", digits = "", suffix, exponent] = match;
  const [whole = "", fraction = ""] = digits.split(".");
  let numerator = BigInt((whole || "0") + fraction) * (sign === "-" ? -1n : 1n);
  let scale = fraction.length;
  if (suffix !== undefined && suffix in BINARY) {
    numerator *= BINARY[suffix] ?? 1n;
  } else {
    const exp = exponent !== undefined ? Number(exponent) : (DECIMAL_EXP[suffix ?? ""] ?? 0);
    scale -= exp;
  }
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { numerator, scale };
}

/** -1, 0 or 1; undefined when either side is not a quantity. */
export function compareQuantities(a: string | number, b: string | number): number | undefined {
  const qa = parseQuantity(a);
  const qb = parseQuantity(b);
  if (!qa || !qb) return undefined;
  const scale = Math.max(qa.scale, qb.scale);
  const na = qa.numerator * 10n ** BigInt(scale - qa.scale);
  const nb = qb.numerator * 10n ** BigInt(scale - qb.scale);
  return na < nb ? -1 : na > nb ? 1 : 0;
}
