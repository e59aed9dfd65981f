import { groupOf } from "../k8s/kube-object.ts";

/** The object a replacement is about (or one it touches): enough to build its API path. */
export interface ReplaceRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** "Deployment web/api": how plans and progress lines name an object. */
export function describeRef(ref: ReplaceRef): string {
  return ref.namespace === "" ? `${ref.kind} ${ref.name}` : `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** `apps/Deployment/web/api`: one key per object (the version is not part of identity). */
export function refKey(ref: ReplaceRef): string {
  return `${groupOf(ref.apiVersion)}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** The target as the command line names it: `KIND/NAMESPACE/NAME`, `KIND.group/NAMESPACE/NAME`, or `KIND/NAME` (cluster-scoped). */
export interface TargetArg {
  readonly kind: string;
  /** `apps` for `Deployment.apps`; undefined when not given (the kind table decides). */
  readonly group: string | undefined;
  readonly namespace: string;
  readonly name: string;
}

const KIND = /^[A-Za-z][A-Za-z0-9]*(\.[a-z0-9.-]+)?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parses `KIND/NAMESPACE/NAME`; the error names what is wrong. */
export function parseTargetArg(text: string): { ok: true; value: TargetArg } | { ok: false; error: string } {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3) return { ok: false, error: `"${text}" is not KIND/NAMESPACE/NAME (e.g. Deployment/web/api)` };
  const [kindPart = "", ...rest] = parts;
  if (!KIND.test(kindPart)) return { ok: false, error: `"${kindPart}" is not a kind (Deployment, or Deployment.apps)` };
  const namespace = rest.length === 2 ? rest[0]! : "";
  const name = rest[rest.length - 1]!;
  for (const [what, value] of [["namespace", namespace], ["name", name]] as const) {
    if ((what === "name" || value !== "") && (!DNS_NAME.test(value) || value.length > 253)) return { ok: false, error: `${what} "${value}" is not a Kubernetes object name` };
  }
  const dot = kindPart.indexOf(".");
  const rawKind = dot < 0 ? kindPart : kindPart.slice(0, dot);
  // kubectl accepts lower-case kinds (`deployment`): the canonical spelling comes from the kind table.
  return { ok: true, value: { kind: rawKind, group: dot < 0 ? undefined : kindPart.slice(dot + 1), namespace, name } };
}
