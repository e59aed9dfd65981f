/**
 * Why a request body fastify's JSON parser refused is bad, in words that never quote the body (it
 * may hold Secret data, and V8's JSON.parse messages quote a snippet around the error).
 *
 * fastify parses with secure-json-parse, which refuses a `__proto__` key, or a `constructor` key
 * holding `prototype`, anywhere in the document (prototype poisoning), and reports that and a
 * syntax error alike as "Body is not valid JSON". A ConfigMap key may legally be `__proto__`; the
 * webhook then answers 400 and kube-apiserver applies the failure policy (Ignore: the request goes
 * through unjudged), so the message says which case it is.
 */
export function jsonBodyError(body: string): string {
  try {
    JSON.parse(body);
  } catch (err) {
    const position = err instanceof SyntaxError ? /at position (\d+)/.exec(err.message)?.[1] : undefined;
    return position === undefined ? "body is not JSON" : `body is not JSON: syntax error at character ${position}`;
  }
  return "body holds a \"__proto__\" key or a \"constructor\" key with \"prototype\", refused against prototype poisoning";
}
