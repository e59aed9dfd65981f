import { formatFieldPath, getAt } from "../k8s/field-path.ts";
import { semanticEqual, type JsonObject } from "../k8s/json.ts";
import { groupOf, metaValue } from "../k8s/kube-object.ts";
import type { Finding } from "../findings/finding.ts";
import { SELECTING_KINDS } from "../replace/kind-traits.ts";
import { holderOf, SELECTOR_HOLD_ANNOTATION } from "../replace/selector-hold.ts";

/** What the webhook needs to know of the request: the kind (by group, any version) and both objects. */
export interface HoldInput {
  readonly group: string;
  readonly kind: string;
  readonly live: JsonObject;
  readonly object: JsonObject;
}

/** A journal object's name is at most 63 characters (journalName): longer values are cut where shown. */
const MAX_HOLDER_CHARS = 63;

/** The rule id of a held selector, in the catalogue's `<group or core>.<Kind>.<field>` form. */
function ruleIdOf(group: string, kind: string): string {
  return `${group === "" ? "core" : group}.${kind}.selectorHold`;
}

/**
 * The selector a replacement holds that this update would change (issue 14): the live object
 * carries `gitops-guard.io/selector-hold`, the request keeps it unchanged (an apply by kubectl,
 * Argo CD, Helm or a person, who keep an annotation they do not own), and the selecting field
 * (`spec.selector` of a Service or PodDisruptionBudget, `spec.podSelector` of a NetworkPolicy)
 * differs. A request that changes or removes the annotation is the engine switching or ending
 * the hold, or a person ending it on purpose: not held. The whole field is one finding (class
 * `held`): the patch puts the live selector back as it is, matchExpressions included.
 */
export function heldSelector(input: HoldInput): Finding | undefined {
  const hold = metaValue(input.live, "annotations", SELECTOR_HOLD_ANNOTATION);
  if (hold === undefined || metaValue(input.object, "annotations", SELECTOR_HOLD_ANNOTATION) !== hold) return undefined;
  const selecting = SELECTING_KINDS.find((k) => k.kind === input.kind && groupOf(k.apiVersion) === input.group);
  if (selecting === undefined) return undefined;
  const from = getAt(input.live, selecting.path);
  const to = getAt(input.object, selecting.path);
  if (semanticEqual(from, to)) return undefined;
  // The value is anyone's to write: a journal name is at most 63 characters (journalName), so is the name shown.
  const holder = holderOf(hold).slice(0, MAX_HOLDER_CHARS);
  const path = formatFieldPath(selecting.path);
  return {
    ruleId: ruleIdOf(input.group, input.kind),
    path,
    segments: [...selecting.path],
    from,
    to,
    class: "held",
    severity: "warning",
    strategy: "restore",
    message: `held by the replacement ${holder} during its blue-green cut-over (${SELECTOR_HOLD_ANNOTATION}): gitops-guard switches it, not an apply`,
  };
}
