import { isJsonObject } from "../../../src/core/k8s/json.ts";
import { badRequest } from "./status-error.ts";

/** Where a chunked list resumes: the list's revision and the first key not yet returned. */
export interface ContinuePosition {
  /** The resourceVersion the first chunk was read at; every chunk is read at it. */
  readonly resourceVersion: number;
  /** Resume at the first key ≥ this ("ns/name" + "\u0000" after the last returned key). */
  readonly start: string;
}

/** The token kube-apiserver's etcd3 store issues: base64url (no padding) JSON {"v":"meta.k8s.io/v1","rv":…,"start":…}. */
export function encodeContinueToken(position: ContinuePosition): string {
  const json = JSON.stringify({ v: "meta.k8s.io/v1", rv: position.resourceVersion, start: position.start });
  return Buffer.from(json, "utf8").toString("base64url");
}

/** Decodes a continue token; a malformed one is 400 BadRequest. */
export function decodeContinueToken(token: string): ContinuePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badRequest("continue key is not valid: illegal base64 data or JSON");
  }
  if (!isJsonObject(parsed) || parsed["v"] !== "meta.k8s.io/v1" || typeof parsed["rv"] !== "number" || typeof parsed["start"] !== "string") {
    throw badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  }
  return { resourceVersion: parsed["rv"], start: parsed["start"] };
}
