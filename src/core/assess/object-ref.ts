/**
 * An object a message or a status names. `namespace` is null when the text does not say (an
 * API server message carries only kind and name) or the object is cluster-scoped.
 */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
}

/** The identity of a reconciler object (Kustomization, HelmRelease, Application). */
export interface SubjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** "Deployment/web/api", "ClusterRole/admin": the form Flux uses in its own messages. */
export function formatRef(ref: ObjectRef): string {
  return ref.namespace === null ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** Map key for a subject: kind, namespace, name (the version is not part of it). */
export function subjectKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
