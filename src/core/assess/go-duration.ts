const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, "µs": 0.000001, ns: 0.000000001 };

const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;

/**
 * Seconds in a Go duration string as Flux writes its `interval`, `timeout` and `retryInterval`
 * (metav1.Duration: `5m`, `1h30m`, `9m30s`, `500ms`); undefined when it is not one.
 */
export function goDurationSeconds(text: string): number | undefined {
  if (text === "0") return 0;
  if (text.length === 0 || text.length > 64) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    end = PART.lastIndex;
  }
  return end === text.length ? total : undefined;
}
