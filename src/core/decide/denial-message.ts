import { describeObject } from "../k8s/kube-object.ts";
import { displayValue, isSecretValue, REDACTED } from "../findings/display-value.ts";
import type { Finding } from "../findings/finding.ts";
import { describeJudgedUnder } from "../kube/kubernetes-context.ts";

/** How many findings a denial names before "+N more": it must stay readable in `kubectl` and a Flux status. */
const MAX_NAMED_FINDINGS = 3;

export interface MessageSubject {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

function change(subject: MessageSubject, finding: Finding): string {
  if (isSecretValue(subject.group, subject.kind, finding.segments)) return `${finding.path} (${REDACTED})`;
  return `${finding.path} ${displayValue(finding.from)} → ${displayValue(finding.to)}`;
}

function namedChanges(subject: MessageSubject, findings: readonly Finding[]): string {
  const named = findings.slice(0, MAX_NAMED_FINDINGS).map((f) => change(subject, f));
  const more = findings.length - named.length;
  return more > 0 ? `${named.join("; ")}; +${more} more` : named.join("; ");
}

function touchesSelector(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.path.startsWith("spec.selector") || f.path.startsWith("spec.template.metadata.labels"));
}

/**
 * The denial for an immutable conflict. Deliberately contains "field is immutable" and is sent
 * with code 422, like the API server's own answer: GitOps tools then behave exactly as they would
 * without the guard (Flux recreates only where force is enabled; kapp fallback-on-replace replaces).
 */
export function immutableDenial(subject: MessageSubject, findings: readonly Finding[]): string {
  const first = findings[0];
  // The release (and gates) when the verdict depends on them: another cluster may accept the change.
  const under = first?.judgedUnder ? ` (${describeJudgedUnder(first.judgedUnder)})` : "";
  const why = first ? `${first.message}${under}` : "the API server refuses this change";
  const ways = [
    "ways out: deploy it under a new name and switch over (blue-green)",
    "or recreate it (Flux: kustomize.toolkit.fluxcd.io/force: enabled; Argo CD: Replace=true,Force=true)",
    "or revert the change",
  ];
  if (touchesSelector(findings)) {
    ways.push("if kustomize commonLabels caused it, use labels: with includeSelectors: false");
  }
  const object = describeObject(subject.kind, subject.namespace, subject.name);
  return `${object}: field is immutable: ${namedChanges(subject, findings)}: ${why}; ${ways.join(", ")} [gitops-guard]`;
}

/**
 * The denial for a data-bearing object (PVC, PV, Namespace, CRD). Code 403 and no "is immutable" /
 * "immutable field" wording on purpose: Flux's IsImmutableError matches those phrases and 409/422,
 * and would delete the object when force is enabled on it (gitops-tools.md §1.2). Data comes first.
 */
export function dataBearingDenial(subject: MessageSubject, findings: readonly Finding[]): string {
  const object = describeObject(subject.kind, subject.namespace, subject.name);
  const first = findings[0];
  // A rule's or policy's own words may say "is immutable": reword, or Flux would read the denial
  // as an immutable error and delete the claim when force is enabled.
  const why = withoutImmutableWording(first ? first.message : "the API server refuses this change");
  const procedure =
    subject.kind === "PersistentVolumeClaim"
      ? "migrate: create a new claim with the new spec, copy the data (or restore a VolumeSnapshot), switch the workload, then delete the old claim"
      : "migrate: create the new object alongside, move what depends on it, then delete the old one by hand";
  return `${object} holds data and cannot be changed in place: ${namedChanges(subject, findings)}: ${why}; ${procedure}; gitops-guard never recreates it automatically [gitops-guard]`;
}

/** Flux's IsImmutableError phrases (`is\simmutable`, `immutable\sfield`), reworded. */
export function withoutImmutableWording(text: string): string {
  return text.replace(/is\s+immutable/gi, "cannot be changed").replace(/immutable\s+field/gi, "unchangeable field");
}

/** The second call of a `recreate` mark: Flux reads 422 + "field is immutable" as its cue to recreate. */
export function recreateDenial(subject: MessageSubject, findings: readonly Finding[]): string {
  const object = describeObject(subject.kind, subject.namespace, subject.name);
  return `${object}: field is immutable: ${namedChanges(subject, findings)}; marked for recreate by gitops-guard (gitops-guard.io/replace: recreate) [gitops-guard]`;
}

function isControl(code: number): boolean {
  return code < 32 || code === 127;
}

/**
 * Control characters (code points below 32, and 127) become spaces; runs of spaces collapse.
 * They are all single UTF-16 units (surrogates are ≥ 0xD800), so units are scanned directly.
 */
function withoutControlCharacters(text: string): string {
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isControl(text.charCodeAt(i))) continue;
    out += `${text.slice(start, i)} `;
    start = i + 1;
  }
  return (start === 0 ? text : out + text.slice(start)).replace(/ {2,}/g, " ").trim();
}

/** Warnings are cut to the length the AdmissionReview API recommends (120 characters). */
export const MAX_WARNING_CHARS = 120;

export function shortWarning(text: string): string {
  // kube-apiserver drops any warning holding control characters (a newline from a YAML `>` message).
  const clean = withoutControlCharacters(text);
  // At most 120 UTF-16 units is at most 120 characters: no need to split into code points.
  if (clean.length <= MAX_WARNING_CHARS) return clean;
  const chars = Array.from(clean);
  return chars.length <= MAX_WARNING_CHARS ? clean : `${chars.slice(0, MAX_WARNING_CHARS - 1).join("")}…`;
}
