import { detectOwner, type OwningTool } from "../owner/detect-owner.ts";
import type { AuditEvent } from "./kube-audit-event.ts";

/**
 * What the API server answered, from a final-stage event (reference/audit-and-ci-outputs.md §1.4):
 * - `webhook-denial`: `admission webhook "<name>" denied the request…` (any code ≥ 400);
 * - `authorization-denial`: `authorization.k8s.io/decision: forbid`, or in older logs without that
 *   annotation a plain 403 with reason `Forbidden`;
 * - `conflict`: every 409 (modified since read, already exists);
 * - `immutable`: a 422 (or 409-less Invalid) whose message says a field is immutable — Flux's own
 *   test, `is\simmutable|immutable\sfield` (DESIGN fact 4);
 * - `invalid`: any other 422;
 * - `webhook-failure`: `failed calling webhook "<name>"` (failurePolicy Fail);
 * - `error`: any other code ≥ 400; `ok` below 400.
 */
export type Outcome =
  | { readonly type: "ok" }
  | { readonly type: "webhook-denial"; readonly webhook: string; readonly code: number }
  | { readonly type: "authorization-denial" }
  | { readonly type: "conflict" }
  | { readonly type: "immutable" }
  | { readonly type: "invalid" }
  | { readonly type: "webhook-failure"; readonly webhook: string }
  | { readonly type: "error"; readonly code: number };

const DENIED = /^admission webhook "((?:[^"\\]|\\.)*)" denied the request/;
const FAILED_CALLING = /failed calling webhook "((?:[^"\\]|\\.)*)"/;
const IMMUTABLE = /is\simmutable|immutable\sfield/i;

/** Go's %q quoting undone for the characters a webhook name can hold. */
function unquote(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}

function byCode(code: number, message: string): Outcome {
  if (code === 409) return { type: "conflict" };
  if (code === 422) return IMMUTABLE.test(message) ? { type: "immutable" } : { type: "invalid" };
  const failed = FAILED_CALLING.exec(message);
  if (failed && code >= 500) return { type: "webhook-failure", webhook: unquote(failed[1] ?? "") };
  if (code >= 400) return { type: "error", code };
  return { type: "ok" };
}

export function classifyOutcome(event: AuditEvent): Outcome {
  const status = event.responseStatus;
  const code = status?.code ?? 0;
  const message = status?.message ?? "";
  const denied = DENIED.exec(message);
  if (denied) return { type: "webhook-denial", webhook: unquote(denied[1] ?? ""), code };
  const decision = event.annotations?.["authorization.k8s.io/decision"];
  if (decision === "forbid") return { type: "authorization-denial" };
  if (code === 403 && decision === undefined && status?.reason === "Forbidden") return { type: "authorization-denial" };
  return byCode(code, message);
}

/** Query parameters of a request URI, URL-decoded (`fieldManager=openshift.io%2Fimage-registry`). */
export function queryParam(requestURI: string | undefined, name: string): string | undefined {
  if (requestURI === undefined) return undefined;
  const q = requestURI.indexOf("?");
  if (q < 0) return undefined;
  for (const pair of requestURI.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key !== name) continue;
    const raw = eq < 0 ? "" : pair.slice(eq + 1).replace(/\+/g, " ");
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** Dry-run requests carry `dryRun=All` in the URI; it is their only marker in an audit log. */
export function isDryRun(event: AuditEvent): boolean {
  const value = queryParam(event.requestURI, "dryRun");
  return value !== undefined && value !== "";
}

/** Service accounts of the GitOps controllers (gitops-tools.md; default installs). helm-controller is "helm", as in serve's fieldManager table. */
const SERVICE_ACCOUNTS: readonly [RegExp, OwningTool][] = [
  [/^system:serviceaccount:[^:]+:kustomize-controller$/, "flux"],
  [/^system:serviceaccount:[^:]+:helm-controller$/, "helm"],
  [/^system:serviceaccount:[^:]+:argocd-(application-controller|server)$/, "argocd"],
  [/^system:serviceaccount:[^:]+:kapp-controller(-sa)?$/, "kapp"],
];

/**
 * The tool that sent the request: the controllers' service accounts first, then the fieldManager
 * of the URI with the same table `serve` uses (kustomize-controller, argocd-controller, helm, kapp,
 * kubectl…), then the (untrusted, only a hint) user agent for kubectl and Helm.
 */
export function toolOf(event: AuditEvent): OwningTool {
  const user = event.impersonatedUser?.username ?? event.user?.username ?? "";
  for (const [pattern, tool] of SERVICE_ACCOUNTS) if (pattern.test(user)) return tool;
  const fromManager = detectOwner([], queryParam(event.requestURI, "fieldManager"));
  if (fromManager !== "other") return fromManager;
  if (event.userAgent?.startsWith("kubectl/")) return "kubectl";
  if (event.userAgent?.startsWith("Helm/")) return "helm";
  return "other";
}

/** The user a request acted as: the impersonated user when there is one. */
export function userOf(event: AuditEvent): string {
  return event.impersonatedUser?.username ?? event.user?.username ?? "(unknown)";
}
