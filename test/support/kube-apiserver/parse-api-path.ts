/** A resource URL split into its parts. */
export interface ApiPath {
  /** "" for /api/v1. */
  readonly group: string;
  readonly version: string;
  /** undefined for cluster-scoped resources and all-namespace lists. */
  readonly namespace: string | undefined;
  readonly plural: string;
  /** undefined for collection URLs. */
  readonly name: string | undefined;
  /** "" or the subresource segment ("status"). */
  readonly subresource: string;
  /** The deprecated /watch/ path prefix was used (a watch even without ?watch). */
  readonly watchPrefix: boolean;
}

/**
 * Splits /api/v1/… and /apis/{group}/{version}/… paths: [watch/]namespaces/{ns}/{plural}[/{name}[/{sub}]],
 * or [watch/]{plural}[/{name}[/{sub}]] for cluster-scoped resources and all-namespace lists.
 * /api/v1/namespaces/{name}/status and …/finalize address the Namespace itself. Undefined for any
 * other shape (discovery paths included).
 */
export function parseApiPath(segments: readonly string[]): ApiPath | undefined {
  let rest: string[];
  let group: string;
  let version: string;
  if (segments[0] === "api" && segments.length >= 3) {
    [group, version, rest] = ["", segments[1]!, segments.slice(2)];
  } else if (segments[0] === "apis" && segments.length >= 4) {
    [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
  } else return undefined;
  const watchPrefix = rest[0] === "watch";
  if (watchPrefix) rest = rest.slice(1);
  let namespace: string | undefined;
  const namespaceItself = rest.length === 3 && (rest[2] === "status" || rest[2] === "finalize");
  if (rest[0] === "namespaces" && rest.length >= 3 && !namespaceItself) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 3) return undefined;
  return { group, version, namespace, plural: rest[0]!, name: rest[1], subresource: rest[2] ?? "", watchPrefix };
}
