/**
 * Why a request body is not JSON, in words that never quote the body: it may hold Secret data,
 * and V8's JSON.parse messages quote a snippet around the error. Only the position is kept.
 */
export function jsonBodyError(err: unknown): string {
  const position = err instanceof SyntaxError ? /at position (\d+)/.exec(err.message)?.[1] : undefined;
  return position === undefined ? "body is not JSON" : `body is not JSON: syntax error at character ${position}`;
}
