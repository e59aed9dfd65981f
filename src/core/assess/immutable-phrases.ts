/**
 * Does a field error's detail (or a webhook's whole denial) say the change can never be applied
 * in place? Flux's IsImmutableError answers yes for every 409 and 422 and for `is\simmutable` /
 * `immutable\sfield` (fluxcd/pkg ssa/errors/immutable.go; gitops-tools.md §1.2), so it calls
 * resourceVersion conflicts, field-manager conflicts and plain validation errors immutable and
 * misses `cannot change roleRef` or `may not change once set` when a webhook sends them with
 * another code. Here only the words decide, phrase by phrase, each taken from a real message
 * (k8s-immutable-fields.md tables; test/fixtures/assess/messages.yaml).
 */
const PHRASES: readonly RegExp[] = [
  // `field is immutable` (every ValidateImmutableField), `Value is immutable` (CEL
  // `self == oldSelf`), `spec is immutable after creation except …` (PVC, PV), GCP's `spec is immutable`.
  /\bis immutable\b/i,
  // `immutable field detected` (Flux), `cannot make changes to immutable field(s)` (stefanprodan/timoni#209).
  /\bimmutable fields?\b/i,
  // `updates to statefulset spec for fields other than … are forbidden`, `updates to parameters are forbidden.`
  /\bupdates to [^:]{1,400}? (?:are|is) forbidden\b/i,
  // `may not change once set` (Service clusterIP, ipFamilies, loadBalancerClass),
  // `pod updates may not change fields other than …`, `update may not change these fields`
  // (TargetGroupBinding, fluxcd/kustomize-controller#834), `may not be changed in an update.` (PriorityClass),
  // `Pod QOS Class may not change as a result of resizing`.
  /\bmay not (?:be )?change/i,
  // `may not be updated` (Node externalID), `pod updates may not add or remove containers`.
  /\bmay not be updated\b/i,
  /\bmay not add or remove\b/i,
  // `cannot change roleRef` (RoleBinding, ClusterRoleBinding).
  /\bcannot change\b/i,
  // `existing toleration can not be modified except its tolerationSeconds`; `node updates may not change podCIDR`.
  /\bcan ?not be (?:modified|changed|updated)\b/i,
  // PVC shrink: `field can not be less than previous value` / `… than status.capacity`.
  /\bfield can not be less than\b/i,
  // gitops-guard's own data-bearing denial (src/core/decide/denial-message.ts).
  /\bcannot be changed in place\b/i,
  // `Forbidden: no new finalizers can be added if the object is being deleted` is not immutable:
  // it passes once deletion ends. `only deletion is allowed` (scheduling gates) is.
  /\bonly deletion is allowed\b/i,
];

/** Phrases that contain the words above and mean the opposite. */
const NEGATIONS: readonly RegExp[] = [/\bis not immutable\b/gi, /\bno longer immutable\b/gi, /\bnot an immutable field\b/gi];

export function saysImmutable(text: string): boolean {
  let t = text;
  for (const negation of NEGATIONS) t = t.replace(negation, " ");
  return PHRASES.some((p) => p.test(t));
}
