import { metaValue } from "../k8s/kube-object.ts";
import { isJsonObject, type JsonObject } from "../k8s/json.ts";
import type { Finding } from "../findings/finding.ts";
import { isSecretValue } from "../findings/display-value.ts";
import type { Mark } from "../decide/decision.ts";
import {
  ARGOCD_SYNC_OPTIONS_ANNOTATION,
  FLUX_FORCE_ANNOTATION,
  FLUX_FORCE_VALUE,
  MARK_ANNOTATIONS,
  ANNOTATIONS_BUDGET_BYTES,
  MAX_DESIRED_ANNOTATION_BYTES,
} from "../decide/mark-annotations.ts";

/** Annotation gitops-guard sets to remember it added the owning tool's marker (so it can take it away). */
export const TOOL_MARKER_ANNOTATION = "gitops-guard.io/replace-tool-marker";

function annotationsOf(target: JsonObject): Record<string, string> {
  let metadata = target["metadata"];
  if (!isJsonObject(metadata)) {
    metadata = {};
    target["metadata"] = metadata;
  }
  let annotations = metadata["annotations"];
  if (!isJsonObject(annotations)) {
    annotations = {};
    metadata["annotations"] = annotations;
  }
  return annotations as Record<string, string>;
}

function labelsOf(target: JsonObject): Record<string, string> {
  const metadata = target["metadata"] as JsonObject;
  let labels = metadata["labels"];
  if (!isJsonObject(labels)) {
    labels = {};
    metadata["labels"] = labels;
  }
  return labels as Record<string, string>;
}

/** The label `watch` selects marked objects by (gitops-guard.io/replace: orphan-recreate). */
export const REPLACE_LABEL = MARK_ANNOTATIONS.replace;

const ARGOCD_OPTIONS = ["Replace=true", "Force=true"] as const;

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Bytes the API server counts against the annotation limit: every key and value. */
function annotationsBytes(annotations: Record<string, string>): number {
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) total += utf8Length(key) + utf8Length(String(value));
  return total;
}

function syncOptions(value: string | undefined): string[] {
  return (value ?? "").split(",").map((o) => o.trim()).filter((o) => o !== "");
}

/**
 * Turns the (already reverted) object into a replace-strategy resource: the strategy, the fields,
 * the desired values (bounded, never for Secrets), the digest, and the owning tool's own marker
 * (Flux `kustomize.toolkit.fluxcd.io/force: enabled`; Argo CD `Replace=true,Force=true`).
 */
export function markObject(
  target: JsonObject,
  mark: Mark,
  conflicts: readonly Finding[],
  subject: { readonly group: string; readonly kind: string },
): void {
  const annotations = annotationsOf(target);
  // orphan-recreate is carried out by `watch`, which finds marked objects by this label (a label
  // selector watch; annotations cannot be selected on).
  if (mark.strategy === "orphan-recreate") labelsOf(target)[REPLACE_LABEL] = mark.strategy;
  else if (Object.hasOwn(labelsOf(target), REPLACE_LABEL)) delete labelsOf(target)[REPLACE_LABEL];
  annotations[MARK_ANNOTATIONS.replace] = mark.strategy;
  annotations[MARK_ANNOTATIONS.fields] = conflicts.map((f) => f.path).join(",");
  annotations[MARK_ANNOTATIONS.digest] = mark.digest;
  const secret = conflicts.some((f) => isSecretValue(subject.group, subject.kind, f.segments));
  delete annotations[MARK_ANNOTATIONS.desired];
  const desired = JSON.stringify(Object.fromEntries(conflicts.map((f) => [f.path, f.to ?? null])));
  const desiredBytes = utf8Length(MARK_ANNOTATIONS.desired) + utf8Length(desired);
  if (!secret && desiredBytes <= MAX_DESIRED_ANNOTATION_BYTES && annotationsBytes(annotations) + desiredBytes <= ANNOTATIONS_BUDGET_BYTES) {
    annotations[MARK_ANNOTATIONS.desired] = desired;
  }
  // The tool marker annotation records only what gitops-guard added, so unmarking never takes away
  // a marker a person had set (TOOL_MARKER_ANNOTATION: "flux", or "argocd:<options added>").
  if (mark.toolMarker === "flux" && (annotations[FLUX_FORCE_ANNOTATION] ?? "").toLowerCase() !== FLUX_FORCE_VALUE) {
    annotations[FLUX_FORCE_ANNOTATION] = FLUX_FORCE_VALUE;
    annotations[TOOL_MARKER_ANNOTATION] = "flux";
  } else if (mark.toolMarker === "argocd") {
    const options = syncOptions(annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]);
    const added = ARGOCD_OPTIONS.filter((o) => !options.includes(o));
    if (added.length > 0) {
      annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] = [...options, ...added].join(",");
      annotations[TOOL_MARKER_ANNOTATION] = `argocd:${added.join(",")}`;
    }
  }
}

/** True when the object still carries a gitops-guard mark. */
export function hasMark(target: JsonObject): boolean {
  return metaValue(target, "annotations", MARK_ANNOTATIONS.replace) !== undefined;
}

/** The digest of the conflict a mark describes (MARK_ANNOTATIONS.digest), or undefined when unmarked. */
export function markDigest(target: JsonObject): string | undefined {
  return metaValue(target, "annotations", MARK_ANNOTATIONS.digest);
}

/**
 * Removes a stale mark (the conflict is gone: Git was reverted, or the object was replaced) and
 * the tool marker gitops-guard added, leaving markers a person set untouched.
 */
export function unmarkObject(target: JsonObject): void {
  const annotations = annotationsOf(target);
  const metadata = target["metadata"];
  const labels = isJsonObject(metadata) ? metadata["labels"] : undefined;
  if (isJsonObject(labels) && Object.hasOwn(labels, REPLACE_LABEL)) {
    delete labels[REPLACE_LABEL];
    if (Object.keys(labels).length === 0 && isJsonObject(metadata)) delete metadata["labels"];
  }
  const tool = annotations[TOOL_MARKER_ANNOTATION];
  for (const key of Object.values(MARK_ANNOTATIONS)) delete annotations[key];
  delete annotations[TOOL_MARKER_ANNOTATION];
  if (tool === "flux" && annotations[FLUX_FORCE_ANNOTATION] === FLUX_FORCE_VALUE) delete annotations[FLUX_FORCE_ANNOTATION];
  if (tool?.startsWith("argocd:")) {
    const added = new Set(tool.slice("argocd:".length).split(","));
    const left = syncOptions(annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).filter((o) => !added.has(o));
    if (left.length > 0) annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION] = left.join(",");
    else delete annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION];
  }
}
