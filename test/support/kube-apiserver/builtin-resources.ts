import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { establishCrd } from "./crd-resource-types.ts";
import { coreEventToEventsV1, eventsV1ToCoreEvent } from "./event-conversion.ts";
import { kubeTimestamp } from "./object-metadata.ts";
import { defineResource, type ResourceType } from "./resource-type.ts";

function specOf(obj: JsonObject): JsonObject {
  const spec = isJsonObject(obj["spec"]) ? obj["spec"] : {};
  obj["spec"] = spec;
  return spec;
}

// Field selector labels each registry strategy supports (GetAttrs/…FieldLabelConversionFunc in
// kubernetes/pkg/registry/*/strategy.go and pkg/apis/core/v1/conversion.go).
const EVENT_FIELDS: Record<string, string> = {
  "involvedObject.kind": "involvedObject.kind",
  "involvedObject.namespace": "involvedObject.namespace",
  "involvedObject.name": "involvedObject.name",
  "involvedObject.uid": "involvedObject.uid",
  "involvedObject.apiVersion": "involvedObject.apiVersion",
  "involvedObject.resourceVersion": "involvedObject.resourceVersion",
  "involvedObject.fieldPath": "involvedObject.fieldPath",
  reason: "reason",
  reportingComponent: "reportingComponent",
  source: "source.component",
  type: "type",
};
const POD_FIELDS: Record<string, string> = {
  "spec.nodeName": "spec.nodeName",
  "spec.restartPolicy": "spec.restartPolicy",
  "spec.schedulerName": "spec.schedulerName",
  "spec.serviceAccountName": "spec.serviceAccountName",
  "spec.hostNetwork": "spec.hostNetwork",
  "status.phase": "status.phase",
  "status.podIP": "status.podIP",
  "status.nominatedNodeName": "status.nominatedNodeName",
};

/**
 * The resources every simulated API server starts with: the core, apps, batch, coordination,
 * events and apiextensions resources gitops-guard touches, and the Flux kinds it watches (served
 * as if their CRDs were installed). A fresh array each call; add more with registerResource.
 */
export function builtinResources(): ResourceType[] {
  return [
    defineResource({ group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, shortNames: ["cm"] }),
    defineResource({ group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true, fieldSelectors: { type: "type" } }),
    defineResource({ group: "", version: "v1", plural: "events", kind: "Event", namespaced: true, shortNames: ["ev"], fieldSelectors: EVENT_FIELDS }),
    defineResource({
      group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false, shortNames: ["ns"],
      statusSubresource: true, fieldSelectors: { "status.phase": "status.phase" },
      // pkg/registry/core/namespace/strategy.go: PrepareForCreate sets phase Active and the
      // "kubernetes" finalizer the namespace controller removes after emptying the namespace.
      prepareForCreate: (obj) => {
        obj["status"] = { phase: "Active" };
        specOf(obj)["finalizers"] = ["kubernetes"];
      },
    }),
    defineResource({ group: "", version: "v1", plural: "services", kind: "Service", namespaced: true, shortNames: ["svc"], statusSubresource: true }),
    defineResource({ group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true, shortNames: ["sa"] }),
    defineResource({ group: "", version: "v1", plural: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, shortNames: ["pvc"], statusSubresource: true }),
    defineResource({
      group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true, shortNames: ["po"], statusSubresource: true,
      fieldSelectors: POD_FIELDS,
      prepareForCreate: (obj) => { obj["status"] = { phase: "Pending" }; },
    }),
    defineResource({
      group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition",
      namespaced: false, shortNames: ["crd", "crds"], statusSubresource: true, tracksGeneration: true,
      prepareForCreate: (obj, now) => establishCrd(obj, kubeTimestamp(now)),
    }),
    defineResource({ group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true, shortNames: ["deploy"], statusSubresource: true, tracksGeneration: true }),
    defineResource({ group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true, shortNames: ["sts"], statusSubresource: true, tracksGeneration: true }),
    defineResource({ group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true, shortNames: ["ds"], statusSubresource: true, tracksGeneration: true }),
    defineResource({ group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true, shortNames: ["rs"], statusSubresource: true, tracksGeneration: true }),
    defineResource({
      group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true, statusSubresource: true, tracksGeneration: true,
      fieldSelectors: { "status.successful": "status.succeeded" },
    }),
    defineResource({ group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true, shortNames: ["cj"], statusSubresource: true, tracksGeneration: true }),
    defineResource({ group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true }),
    defineResource({
      group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true, shortNames: ["ev"],
      storageKey: "events", fromStorage: coreEventToEventsV1, toStorage: eventsV1ToCoreEvent,
    }),
    defineResource({ group: "kustomize.toolkit.fluxcd.io", version: "v1", plural: "kustomizations", kind: "Kustomization", namespaced: true, shortNames: ["ks"], custom: true, statusSubresource: true }),
    defineResource({ group: "helm.toolkit.fluxcd.io", version: "v2", plural: "helmreleases", kind: "HelmRelease", namespaced: true, shortNames: ["hr"], custom: true, statusSubresource: true }),
    defineResource({ group: "source.toolkit.fluxcd.io", version: "v1", plural: "gitrepositories", kind: "GitRepository", namespaced: true, shortNames: ["gitrepo"], custom: true, statusSubresource: true }),
  ];
}
