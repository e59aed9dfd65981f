import type { JsonObject } from "../k8s/json.ts";

/** A comment the YAML encoder writes before the node at `path` (a reason, with its source). */
export interface InstallNote {
  readonly path: readonly (string | number)[];
  readonly comment: string;
}

/**
 * One object of the install, the file it goes to in a kustomize variant, a comment for the head
 * of its document and notes on its nodes (each RBAC rule carries the reason it exists).
 */
export interface InstallResource {
  readonly file: string;
  readonly object: JsonObject;
  readonly comment?: string;
  readonly notes?: readonly InstallNote[];
}

/** The labels every object carries; selectors never carry part-of (a label change must not change a selector). */
export const PART_OF = { "app.kubernetes.io/part-of": "gitops-guard" } as const;

export const SERVE_NAME = "gitops-guard";
export const WATCH_NAME = "gitops-guard-watch";
export const POLICY_CONFIGMAP = "gitops-guard-policy";
export const TLS_SECRET = "gitops-guard-tls";
export const WATCH_LEASE = "gitops-guard-watch";

/** metadata for an object of the install; `namespace` undefined for cluster-scoped objects. */
export function meta(name: string, namespace: string | undefined, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): JsonObject {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...(extra.labels ?? {}), ...PART_OF },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** An RBAC rule and the reason it exists (written as a comment before it). */
export interface RbacRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly why: string;
}

/** The rules as JSON and one note per rule (its reason). */
export function rbacRules(rules: readonly RbacRule[], path: readonly (string | number)[] = ["rules"]): { rules: JsonObject[]; notes: InstallNote[] } {
  return {
    rules: rules.map((r) => ({
      apiGroups: [...r.apiGroups],
      resources: [...r.resources],
      ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
      verbs: [...r.verbs],
    })),
    notes: rules.map((r, i) => ({ path: [...path, i], comment: r.why })),
  };
}

/** A Role (with `namespace`) or ClusterRole (without) with its rules' reasons, and its binding to one ServiceAccount. */
export interface BoundRole {
  readonly file: string;
  readonly name: string;
  /** The Role's namespace; undefined for a ClusterRole and ClusterRoleBinding. */
  readonly namespace: string | undefined;
  readonly serviceAccount: { readonly name: string; readonly namespace: string };
  readonly rules: readonly RbacRule[];
  /** A comment for the head of the role's document. */
  readonly comment?: string;
}

/** The role and its binding, in that order (the binding's roleRef names the role). */
export function boundRole(role: BoundRole): InstallResource[] {
  const kind = role.namespace === undefined ? "ClusterRole" : "Role";
  const { rules, notes } = rbacRules(role.rules);
  return [
    { file: role.file, ...(role.comment !== undefined ? { comment: role.comment } : {}), object: { apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: meta(role.name, role.namespace), rules }, notes },
    {
      file: role.file,
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: `${kind}Binding`,
        metadata: meta(role.name, role.namespace),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role.name },
        subjects: [{ kind: "ServiceAccount", name: role.serviceAccount.name, namespace: role.serviceAccount.namespace }],
      },
    },
  ];
}
