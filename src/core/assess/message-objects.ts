import type { ObjectRef } from "./object-ref.ts";
import { kindOfLowerKind, kindOfResource } from "./resource-kinds.ts";

/** How many objects one message may name in a diagnosis (a hostile message cannot grow output without bound). */
export const MAX_MESSAGE_OBJECTS = 50;

// Kubernetes names: DNS subdomains (≤ 253) or labels; kinds: CamelCase identifiers. Every pattern
// below is linear (no nested quantifiers over the same characters).
const NAME = String.raw`[a-z0-9](?:[-a-z0-9.]{0,252})`;
const KIND = String.raw`[A-Z][A-Za-z0-9]{0,62}`;

/**
 * Flux names objects `Kind/namespace/name` (or `Kind/name` when cluster-scoped) in dry-run,
 * apply, health-check and wait messages (fluxcd/pkg ssa/utils/fmt.go FmtObjMetadata;
 * ssa/manager_wait.go; gitops-tools.md §1.5). The lookahead names the contexts Flux writes them in.
 */
const FLUX_REF = new RegExp(
  String.raw`(?<![\w./-])(${KIND})/(${NAME})(?:/(${NAME}))?(?= dry-run failed| status: '| immutable field detected| not found| namespace not specified| apply failed|'|\]|,|$)`,
  "g",
);

/** kube-apiserver's 422: `Deployment.apps "api" is invalid`, `The Service "web" is invalid`. */
const INVALID_REF = new RegExp(String.raw`(?<![\w.])(${KIND})(?:\.([a-z0-9][-a-z0-9.]*))? "([^"\s]{1,253})" is invalid`, "g");

/**
 * Resource-named forms: 403 `persistentvolumeclaims "data" is forbidden`, 404
 * `gitrepositories.source.toolkit.fluxcd.io "x" not found`, 409 `Operation cannot be fulfilled on
 * deployments.apps "api"`, `… "x" already exists`.
 */
const RESOURCE_REF = /(?<![\w.])([a-z][a-z0-9]{0,62})(?:\.([a-z0-9][-a-z0-9.]*))? "([^"\s]{1,253})"(?=:? (?:is forbidden|not found|already exists))|Operation cannot be fulfilled on ([a-z][a-z0-9]{0,62})(?:\.[a-z0-9][-a-z0-9.]*)? "([^"\s]{1,253})"/g;

/** Helm 3: `cannot patch "api" with kind Deployment`, `failed to create resource: …` wraps the above. */
const HELM_REF = new RegExp(String.raw`cannot (?:patch|create|replace|update) "([^"\s]{1,253})" with kind (${KIND})`, "g");

/** Argo CD: `waiting for healthy state of apps/Deployment/api` (group empty for the core group). */
const ARGO_REF = new RegExp(String.raw`healthy state of ([a-z0-9.-]*)/(${KIND})/(${NAME})`, "g");

/** kapp: `Applying update deployment/api (apps/v1) namespace: web`. */
const KAPP_REF = new RegExp(String.raw`(?:create|update|delete) ([a-z][a-z0-9]{0,62})/(${NAME}) \([a-z0-9./]*\)(?: (?:namespace|cluster): ?(${NAME})?)?`, "g");

interface Found {
  readonly index: number;
  readonly ref: ObjectRef;
}

/**
 * Runs a pattern only when its cue is in the text: most messages hold none of the six forms, and
 * an `includes` is far cheaper than a scan with lookbehinds (the resync benchmark: bench/README.md).
 */
function collect(text: string, cues: readonly string[], pattern: RegExp, toRef: (m: RegExpExecArray) => ObjectRef | undefined): Found[] {
  const found: Found[] = [];
  if (!cues.some((cue) => text.includes(cue))) return found;
  for (const m of text.matchAll(pattern)) {
    const ref = toRef(m);
    if (ref !== undefined) found.push({ index: m.index, ref });
    if (found.length >= MAX_MESSAGE_OBJECTS) break;
  }
  return found;
}

function fluxRef(m: RegExpExecArray): ObjectRef {
  const [, kind = "", first = "", second] = m;
  return second === undefined ? { kind, namespace: null, name: first } : { kind, namespace: first, name: second };
}

/**
 * Merges refs to the same kind and name: Flux's prefix carries the namespace the API server's own
 * message leaves out (`Deployment/web/api dry-run failed (Invalid): Deployment.apps "api" is invalid`).
 */
function merge(found: readonly Found[]): ObjectRef[] {
  const out: ObjectRef[] = [];
  for (const { ref } of [...found].sort((a, b) => a.index - b.index)) {
    const same = out.findIndex((o) => o.kind === ref.kind && o.name === ref.name && (o.namespace === ref.namespace || o.namespace === null || ref.namespace === null));
    if (same < 0) out.push(ref);
    else if (out[same]!.namespace === null && ref.namespace !== null) out[same] = ref;
    if (out.length >= MAX_MESSAGE_OBJECTS) break;
  }
  return out;
}

/** Every object a Flux, Argo CD, Helm, kapp or kube-apiserver message names, in order of appearance. */
export function messageObjects(text: string): ObjectRef[] {
  return merge([
    ...collect(text, ["/"], FLUX_REF, fluxRef),
    ...collect(text, [" is invalid"], INVALID_REF, (m) => ({ kind: m[1]!, namespace: null, name: m[3]! })),
    ...collect(text, ["is forbidden", "not found", "already exists", "Operation cannot be fulfilled"], RESOURCE_REF, (m) => ({ kind: kindOfResource(m[1] ?? m[4]!), namespace: null, name: m[3] ?? m[5]! })),
    ...collect(text, [" with kind "], HELM_REF, (m) => ({ kind: m[2]!, namespace: null, name: m[1]! })),
    ...collect(text, ["healthy state of "], ARGO_REF, (m) => ({ kind: m[2]!, namespace: null, name: m[3]! })),
    ...collect(text, [" ("], KAPP_REF, (m) => ({ kind: kindOfLowerKind(m[1]!), namespace: m[3] ?? null, name: m[2]! })),
  ]);
}
