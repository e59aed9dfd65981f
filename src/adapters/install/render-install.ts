import { Document, isNode, isScalar, visit } from "yaml";
import type { InstallResource } from "../../core/install/install-resource.ts";
import { installFiles } from "../../core/install/install-resources.ts";

/** No folding: a long CEL expression or PromQL query stays on one line, as written. */
const TO_STRING = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false } as const;

/** Longest list written on one line, in characters of its items. */
const FLOW_MAX_CHARS = 80;

function isShortScalarList(items: readonly unknown[]): boolean {
  if (items.length === 0 || !items.every((item) => isScalar(item))) return false;
  return items.reduce<number>((sum, item) => sum + String(isScalar(item) ? item.value : "").length + 2, 0) <= FLOW_MAX_CHARS;
}

/** One object as a YAML document, its comment on top and each note before its node. */
function renderResource(resource: InstallResource): string {
  const doc = new Document(resource.object);
  // Short lists of scalars on one line ([get, list, watch]), as Kubernetes' own manifests write
  // them; a long one (container args) keeps one item per line, so a diff shows the item changed.
  visit(doc, { Seq: (_key, node) => void (isShortScalarList(node.items) ? (node.flow = true) : undefined) });
  if (resource.comment !== undefined && isNode(doc.contents)) doc.contents.commentBefore = ` ${resource.comment}`;
  for (const note of resource.notes ?? []) {
    const node: unknown = doc.getIn(note.path, true);
    if (isNode(node)) node.commentBefore = ` ${note.comment}`;
  }
  return doc.toString(TO_STRING);
}

/** The documents of one file of a variant, separated by `---`. */
export function renderFile(resources: readonly InstallResource[], file: string): string {
  return resources.filter((r) => r.file === file).map(renderResource).join("---\n");
}

/** The whole install as multi-document YAML: the variant's files, concatenated in kustomization order. */
export function renderInstall(resources: readonly InstallResource[], header: string): string {
  const body = installFiles(resources).map((file) => renderFile(resources, file)).join("---\n");
  return `${header}${body}`;
}

/** A kustomization.yaml that lists the files (no patches, no generators: what is committed is what is applied). */
export function renderKustomization(resources: readonly InstallResource[], header: string): string {
  const doc = new Document({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: installFiles(resources) });
  return `${header}${doc.toString(TO_STRING)}`;
}
