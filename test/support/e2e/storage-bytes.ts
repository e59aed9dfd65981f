// resource.Quantity suffixes: binary (Ki…Ei, powers of 1024) and decimal (k…E, powers of 1000).
const SUFFIXES: Readonly<Record<string, number>> = {
  "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3,
};

/**
 * A storage quantity ("10Gi", "500Mi", "1G", 1073741824) in bytes, or undefined when it is not a
 * quantity. Enough of resource.ParseQuantity for PVC sizes; exponent forms ("1e9") are left out.
 * Written here, apart from src/core, so the simulated API server does not share gitops-guard's parser.
 */
export function storageBytes(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const match = /^([+-]?\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * SUFFIXES[match[2] ?? ""]!;
}
