/**
 * Whole seconds as an ISO 8601 duration (`PT7M`, `PT1H5M30S`, `P2DT3H`): what diagnose's JSON
 * `stuckFor` carries, readable by any language's duration parser. Zero is `PT0S`.
 */
export function isoDuration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${secs ? `${secs}S` : ""}`;
  const date = days ? `P${days}D` : "P";
  if (time === "") return days ? date : "PT0S";
  return `${date}T${time}`;
}

/** "7m", "1h5m", "2d3h": the same duration for people (text output, Events). */
export function shortDuration(seconds: number): string {
  return isoDuration(seconds).replace(/^P/, "").replace("T", "").toLowerCase() || "0s";
}
