import { getAt } from "../../k8s/field-path.ts";
import type { Rule, RuleInput } from "../rule.ts";
import { changedWhenSet } from "./changed-when-set.ts";
import { isUnset } from "./is-unset.ts";
import { noNewFinalizers } from "./no-new-finalizers.ts";

/**
 * ObjectMeta rules for every kind (reference/k8s-immutable-fields.md §2.1): apimachinery
 * `ValidateObjectMetaAccessorUpdate`, the update handler's `checkName` and `rest.BeforeUpdate`.
 * Ids use the `meta` group (ObjectMeta lives in meta.k8s.io). An empty value in the new object
 * means "keep": the handler takes name/namespace from the URL and BeforeUpdate copies uid and the
 * deletion fields from the stored object. creationTimestamp, generation and resourceVersion are
 * reset silently (compareObjects ignores them), so they have no rule; labels, annotations and
 * ownerReferences are mutable (the Pod and PVC annotation exceptions live in core-v1.ts).
 */

const META_SOURCE = "apimachinery pkg/api/validation/objectmeta.go (ValidateObjectMetaAccessorUpdate)";

function beingDeleted(input: RuleInput): boolean {
  return !isUnset(getAt(input.old, ["metadata", "deletionTimestamp"]));
}

export const METADATA_RULES: readonly Rule[] = [
  {
    id: "meta.ObjectMeta.name",
    group: "*",
    kind: "*",
    path: "metadata.name",
    class: "immutable",
    check: { type: "custom", evaluate: changedWhenSet },
    why: "an object cannot be renamed: a new name is a different object (delete + create), never an update",
    apiError:
      "the name of the object (new) does not match the name on the URL (old) / " +
      'metadata.name: Invalid value: "new": field is immutable',
    source: `update handler checkName; ${META_SOURCE}`,
  },
  {
    id: "meta.ObjectMeta.namespace",
    group: "*",
    kind: "*",
    path: "metadata.namespace",
    class: "immutable",
    // Cluster-scoped objects are stored without a namespace, and rest.BeforeUpdate clears one sent
    // for them (Helm charts often template `namespace:` onto ClusterRoles): only namespaced objects count.
    when: (input) => !isUnset(getAt(input.old, ["metadata", "namespace"])),
    check: { type: "custom", evaluate: changedWhenSet },
    why: "an object cannot move to another namespace: it is a different object (delete + create)",
    apiError:
      "the namespace of the provided object does not match the namespace sent on the request / " +
      "metadata.namespace: ... field is immutable",
    source: `rest.BeforeUpdate (ValidNamespace); ${META_SOURCE}`,
  },
  {
    id: "meta.ObjectMeta.uid",
    group: "*",
    kind: "*",
    path: "metadata.uid",
    class: "immutable",
    check: { type: "custom", evaluate: changedWhenSet },
    why: "the manifest carries the uid of another object (exported from another cluster or a recreated object); drop metadata.uid",
    apiError:
      "Precondition failed: UID in precondition: <new>, UID in object meta: <old> / " +
      'metadata.uid: Invalid value: "<new>": field is immutable',
    source: `defaultUpdatedObjectInfo.Preconditions; ${META_SOURCE}`,
  },
  {
    id: "meta.ObjectMeta.deletionTimestamp",
    group: "*",
    kind: "*",
    path: "metadata.deletionTimestamp",
    class: "immutable",
    // Once set it is copied back from the stored object (rest.BeforeUpdate), so only setting it counts.
    when: (input) => !beingDeleted(input),
    check: { type: "custom", evaluate: changedWhenSet },
    why: "deletionTimestamp is set only by a delete request, never by an update",
    apiError: "metadata.deletionTimestamp: Invalid value: ...: field is immutable",
    source: `rest.BeforeUpdate; ${META_SOURCE}`,
  },
  {
    id: "meta.ObjectMeta.deletionGracePeriodSeconds",
    group: "*",
    kind: "*",
    path: "metadata.deletionGracePeriodSeconds",
    class: "immutable",
    check: { type: "custom", evaluate: changedWhenSet },
    why: "deletionGracePeriodSeconds is set only by a delete request, never by an update",
    apiError: "metadata.deletionGracePeriodSeconds: Invalid value: ...: field is immutable",
    source: `rest.BeforeUpdate; ${META_SOURCE}`,
  },
  {
    id: "meta.ObjectMeta.finalizers",
    group: "*",
    kind: "*",
    path: "metadata.finalizers",
    class: "immutable",
    when: beingDeleted,
    check: { type: "custom", evaluate: noNewFinalizers },
    why: "no finalizer can be added to an object that is being deleted (removing finalizers is fine)",
    apiError:
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"..."}',
    source: "apimachinery objectmeta.go (ValidateNoNewFinalizers)",
  },
];
