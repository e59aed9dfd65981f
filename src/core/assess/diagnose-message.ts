import type { Cause } from "./cause.ts";
import { saysImmutable } from "./immutable-phrases.ts";
import { conflictFields, fieldErrors } from "./message-fields.ts";
import { messageObjects, MAX_MESSAGE_OBJECTS } from "./message-objects.ts";
import type { ObjectRef } from "./object-ref.ts";

/** The tools whose messages diagnose knows; `--tool` picks the wording of the recommendation. */
export const TOOLS = ["flux", "argocd", "helm", "kubectl"] as const;
export type Tool = (typeof TOOLS)[number];

/**
 * Longest message read, in UTF-16 units. A Job's `spec.template` dump runs to ~10 kB; Argo CD
 * joins every failed object's message into one (`one or more objects failed to apply, reason:
 * …`). 256 Ki units keeps several such messages and bounds the regex work per message.
 */
export const MAX_MESSAGE_LENGTH = 256 * 1024;

export interface MessageDiagnosis {
  readonly cause: Cause;
  readonly immutable: boolean;
  readonly objects: readonly ObjectRef[];
  readonly fields: readonly string[];
  /** Flux `dependency '<ns>/<name>'` references (their kind is the subject's own kind). */
  readonly dependencies: readonly { readonly namespace: string; readonly name: string }[];
}

export interface MessageContext {
  readonly tool?: Tool;
}

/** Whole-message cues, in priority order: the first that matches names the cause. */
const CAUSE_CUES: readonly (readonly [Cause, RegExp])[] = [
  // helm/helm pkg/action/action.go errPending; helm-controller PendingRelease messages.
  ["helm-locked", /another operation \(install\/upgrade\/rollback\) is in progress|\bUnlock(?:ed)? (?:of )?Helm release\b|\bin pending-(?:install|upgrade|rollback) state\b|\bstale 'pending-/i],
  // helm-controller Stalled RetriesExceeded: `Failed to upgrade after 3 attempt(s)`.
  ["retries-exhausted", /\bFailed to (?:install|upgrade|\w+) after \d+ attempt\(s\)|\bretries exhausted\b|\bmissing target release for rollback\b/i],
  // kustomize-controller checkDependencies; helm-controller dependency wait.
  ["dependency", /\bdependency '[^']{1,300}' (?:is not ready|not found|revision is not up to date)|Dependencies do not meet ready condition/i],
  ["source", /\bSource artifact not found\b|\bSource is not ready\b|\bSource not ready\b|\bartifact not found\b|could not get Source object|Could not load chart|kustomization path not found|\b(?:gitrepositories|ocirepositories|buckets|helmcharts|helmrepositories)\.source\.toolkit\.fluxcd\.io "[^"]*" not found|\b(?:GitRepository|OCIRepository|Bucket|HelmChart|HelmRepository) '[^']*' is not ready/i],
  ["build", /\bkustomize build failed\b|\bpost build failed\b|\bdecryption failed\b|\bbuild failed\b|\bfailed to generate manifests?\b|rpc error: code = Unknown desc = Manifest generation error/i],
  ["helm-test", /\bHelm test failed\b/i],
  ["helm-install", /\bHelm install failed\b|\bINSTALLATION FAILED\b/i],
  ["helm-upgrade", /\bHelm upgrade failed\b|\bUPGRADE FAILED\b|\bHelm rollback to previous release\b|\bHelm uninstall remediation\b/i],
  // kustomize-controller checkHealth / fluxcd/pkg ssa WaitForSet; Argo CD health wait.
  ["health-check", /\bhealth check failed\b|\btimeout waiting for: \[|\bfailed early due to stalled resources\b|\bwaiting for healthy state of\b|\bHealthCheckFailed\b/i],
  ["timeout", /\bcontext deadline exceeded\b|\btimed out\b|\bdeadline exceeded\b/i],
  // 409: optimistic concurrency, server-side apply field managers, create of an existing object.
  ["conflict", /the object has been modified|\bApply failed with \d+ conflicts?\b|\bconflicts? with "|\balready exists\b|\(Conflict\)|reason: Conflict\b|Precondition failed/i],
  // 403: RBAC, admission plugins and webhook denials.
  ["forbidden", /\bis forbidden\b|\bdenied the request\b|\(Forbidden\)|reason: Forbidden\b|\bAccessDenied\b|\bcannot (?:get|list|watch|create|update|patch|delete) resource\b/i],
  // 422 and 400 that no cue above explains.
  ["invalid", /\bis invalid\b|\(Invalid\)|reason: Invalid\b|\bBadRequest\b|\bInvalid value\b|\bRequired value\b|\bUnsupported value\b/i],
];

function causeOf(text: string, immutable: boolean): Cause {
  // An immutable error wins over its wrapper (`Helm upgrade failed …: … field is immutable`):
  // the wrapper says where it happened, the field error says why.
  if (immutable) return "immutable";
  for (const [cause, cue] of CAUSE_CUES) if (cue.test(text)) return cause;
  return "other";
}

const DEPENDENCY = /\bdependency '([a-z0-9][-a-z0-9.]{0,252})\/([a-z0-9][-a-z0-9.]{0,252})'/g;

function dependencies(text: string): { namespace: string; name: string }[] {
  if (!text.includes("dependency '")) return [];
  const seen = new Set<string>();
  const out: { namespace: string; name: string }[] = [];
  for (const m of text.matchAll(DEPENDENCY)) {
    const key = `${m[1]}/${m[2]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ namespace: m[1]!, name: m[2]! });
    if (out.length >= MAX_MESSAGE_OBJECTS) break;
  }
  return out;
}

/** What a message that names nothing yields (ready objects' "Applied revision: …" messages). */
export const EMPTY_DIAGNOSIS: MessageDiagnosis = { cause: "other", immutable: false, objects: [], fields: [], dependencies: [] };

/** Diagnoses messages; watch passes a memoised one (a resync sees the same messages again). */
export type DiagnoseFn = (message: string) => MessageDiagnosis;

/**
 * A memo of diagnoseMessage bounded at `limit` entries (cleared when full): the messages of a
 * cluster's failing objects repeat resync after resync.
 */
export function memoDiagnose(limit = 20_000): DiagnoseFn {
  const memo = new Map<string, MessageDiagnosis>();
  return (message) => {
    const hit = memo.get(message);
    if (hit !== undefined) return hit;
    const d = diagnoseMessage(message);
    if (memo.size >= limit) memo.clear();
    memo.set(message, d);
    return d;
  };
}

/**
 * A uid precondition failure (409 `Precondition failed: UID in precondition: …`) is a manifest
 * that carries another object's uid: `metadata.uid` can never change (k8s-immutable-fields.md §1).
 */
const UID_PRECONDITION = /Precondition failed: UID in precondition/i;

/**
 * The cause, the immutable decision, and every object and field path one error message names.
 * Pure and bounded: the text is cut at MAX_MESSAGE_LENGTH, lists at 50 entries.
 */
export function diagnoseMessage(message: string, _context: MessageContext = {}): MessageDiagnosis {
  const text = message.length > MAX_MESSAGE_LENGTH ? message.slice(0, MAX_MESSAGE_LENGTH) : message;
  const errors = fieldErrors(text);
  const uid = UID_PRECONDITION.test(text);
  // Field errors decide for themselves; the text before the first one (Flux's `immutable field
  // detected`, a webhook's free-text denial) is read as a whole.
  const lead = text.slice(0, errors[0]?.index ?? text.length);
  const immutable = uid || errors.some((e) => e.immutable) || saysImmutable(lead);
  const fromErrors = (immutable ? errors.filter((e) => e.immutable) : errors).map((e) => e.path);
  const fields = [...new Set([...(uid ? ["metadata.uid"] : []), ...fromErrors, ...conflictFields(text)])];
  return { cause: causeOf(text, immutable), immutable, objects: messageObjects(text), fields, dependencies: dependencies(text) };
}
