import type { JsonValue } from "../k8s/json.ts";
import { canonicalJson, fnv1a64 } from "../hash/fnv1a.ts";
import { policySchema, type Policy } from "./policy-schema.ts";

/** One thing wrong with a policy document, with the path of the offending key. */
export interface PolicyIssue {
  /** Dotted path in the policy document (`defaults.owned`, `overrides[0].match.kinds[1]`); "" = the root. */
  readonly path: string;
  readonly message: string;
}

/** A valid policy and the content hash that names its version in records. */
export interface LoadedPolicy {
  readonly policy: Policy;
  /** fnv1a64 of the canonical JSON of the parsed policy (defaults applied). */
  readonly contentHash: string;
}

export type ParsePolicyResult =
  | { readonly ok: true; readonly value: LoadedPolicy }
  | { readonly ok: false; readonly issues: readonly PolicyIssue[] };

function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Validates a parsed policy document; every error is reported with its path. */
export function parsePolicy(document: JsonValue | undefined): ParsePolicyResult {
  const result = policySchema.safeParse(document);
  if (!result.success) {
    return {
      ok: false,
      issues: result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message })),
    };
  }
  return { ok: true, value: { policy: result.data, contentHash: fnv1a64(canonicalJson(result.data)) } };
}
