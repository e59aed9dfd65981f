import { getAt } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import {
  existingList,
  existingObject,
  freshName,
  objectAt,
  objectItems,
  poolEdit,
  setDifferent,
  text,
  type MutableEdit,
} from "./mutable-edit.ts";

/**
 * Accepted edits of the other built-in groups (reference/k8s-immutable-fields.md §2.5):
 * - networking.k8s.io Ingress, NetworkPolicy: fully mutable (ValidateIngressUpdate, ValidateNetworkPolicyUpdate);
 *   IngressClass: everything but spec.controller (validateIngressClassSpecUpdate);
 * - rbac Role/ClusterRole rules and aggregationRule (ValidateRoleUpdate, ValidateClusterRoleUpdate);
 *   RoleBinding/ClusterRoleBinding subjects (ValidateRoleBindingUpdate checks only roleRef);
 * - autoscaling HorizontalPodAutoscaler (ValidateHorizontalPodAutoscalerUpdate re-validates the spec only);
 * - policy PodDisruptionBudget (fully mutable since v1.15, podDisruptionBudgetStrategy.ValidateUpdate);
 * - storage StorageClass allowVolumeExpansion, mountOptions, allowedTopologies (ValidateStorageClassUpdate);
 * - scheduling PriorityClass description, globalDefault true → false (ValidatePriorityClassUpdate;
 *   false → true can meet the Priority admission plugin's single-default check, a cluster fact);
 * - apiextensions CustomResourceDefinition names other than plural/kind, versions added, schema edits,
 *   served flags of non-storage versions, versions removed that status.storedVersions lacks
 *   (validateCustomResourceDefinitionSpecUpdate, ValidateCustomResourceDefinitionStoredVersions);
 * - admissionregistration webhook configurations: fully mutable;
 * - coordination Lease: fully mutable; discovery EndpointSlice: all but addressType (ValidateEndpointSliceUpdate).
 */

const NETWORKING = "pkg/apis/networking/validation (ValidateIngressUpdate/ValidateNetworkPolicyUpdate: spec re-validated only); reference §2.5";
const INGRESS_CLASS = "pkg/apis/networking/validation (validateIngressClassSpecUpdate: only controller is immutable); reference §2.5";
const RBAC = "pkg/apis/rbac/validation (ValidateRoleUpdate, ValidateRoleBindingUpdate: only roleRef is immutable); reference §2.5";
const HPA = "pkg/apis/autoscaling/validation (ValidateHorizontalPodAutoscalerUpdate: spec re-validated only)";
const PDB = "pkg/registry/policy/poddisruptionbudget/strategy.go (ValidateUpdate: fully mutable since v1.15); reference §2.5";
const STORAGE = "pkg/apis/storage/validation (ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy, volumeBindingMode only); reference §2.5";
const PRIORITY = "pkg/apis/scheduling/validation (ValidatePriorityClassUpdate: value and preemptionPolicy only); reference §2.5";
const CRD = "apiextensions-apiserver validation (validateCustomResourceDefinitionSpecUpdate: group, plural always; scope, kind once established); reference §2.5";
const WEBHOOK = "pkg/apis/admissionregistration/validation (ValidateValidatingWebhookConfigurationUpdate: re-validation only); reference §2.5";
const LEASE = "pkg/apis/coordination/validation (ValidateLeaseUpdate: spec re-validated only); reference §2.5";
const SLICE = "pkg/apis/discovery/validation (ValidateEndpointSliceUpdate: only addressType is immutable); reference §2.5";

// ---------------------------------------------------------------- networking

const BACKEND = { service: { name: "web-v2", port: { number: 80 } } };

export const INGRESS_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "ingressClassName"], ["nginx", "traefik", "internal"], NETWORKING),
  poolEdit(["spec", "defaultBackend"], [BACKEND, { service: { name: "fallback", port: { name: "http" } } }], NETWORKING),
  poolEdit(["spec", "tls"], [[{ hosts: ["shop.example.com"], secretName: "shop-tls-2" }], []], NETWORKING),
  {
    field: "spec.rules",
    source: NETWORKING,
    apply: (incoming, _live, rand) => {
      const spec = objectAt(incoming, ["spec"]);
      if (!spec) return false;
      const rules = existingList(spec, ["rules"]) ?? [];
      const path = { path: `/v${rand.int(10)}`, pathType: "Prefix", backend: BACKEND };
      spec["rules"] = [...rules, { host: `app${rand.int(100)}.example.com`, http: { paths: [path] } }];
      return true;
    },
  },
  {
    field: "spec.rules[*].host",
    source: NETWORKING,
    apply: (incoming, _live, rand) => {
      const rules = objectItems(existingList(incoming, ["spec", "rules"]));
      return rules.length > 0 && setDifferent(rand.pick(rules), "host", ["shop.example.org", "www.example.com"], rand);
    },
  },
];

export const INGRESS_CLASS_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "parameters"], [
    { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "external-lb" },
    { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "internal-lb", scope: "Namespace", namespace: "ingress" },
  ], INGRESS_CLASS),
];

export const NETWORK_POLICY_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "podSelector"], [{ matchLabels: { app: "web" } }, {}, { matchExpressions: [{ key: "tier", operator: "In", values: ["api"] }] }], NETWORKING),
  poolEdit(["spec", "policyTypes"], [["Ingress"], ["Ingress", "Egress"]], NETWORKING),
  poolEdit(["spec", "ingress"], [[{ from: [{ podSelector: { matchLabels: { app: "gw" } } }], ports: [{ protocol: "TCP", port: 8080 }] }], []], NETWORKING),
  poolEdit(["spec", "egress"], [[{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }], []], NETWORKING),
];

// ---------------------------------------------------------------- rbac

const RULES = [
  [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
  [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"] }, { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }],
  [],
];

export const ROLE_EDITS: readonly MutableEdit[] = [poolEdit(["rules"], RULES, RBAC)];

export const CLUSTER_ROLE_EDITS: readonly MutableEdit[] = [
  poolEdit(["rules"], RULES, RBAC),
  poolEdit(["aggregationRule"], [{ clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-view": "true" } }] }], RBAC),
];

export const BINDING_EDITS: readonly MutableEdit[] = [
  {
    field: "subjects",
    source: RBAC,
    apply: (incoming, _live, rand) => {
      const subjects = existingList(incoming, ["subjects"]) ?? [];
      if (subjects.length > 0 && rand.bool()) {
        subjects.splice(rand.int(subjects.length), 1);
        return true;
      }
      const subject: JsonObject = rand.bool()
        ? { kind: "ServiceAccount", name: `sa-${rand.int(100)}`, namespace: "shop" }
        : { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `team-${rand.int(100)}` };
      incoming["subjects"] = [...subjects, subject];
      return true;
    },
  },
];

// ---------------------------------------------------------------- autoscaling, policy

export const HPA_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "minReplicas"], [1, 2, 3], HPA),
  poolEdit(["spec", "maxReplicas"], [5, 10, 20], HPA),
  poolEdit(["spec", "scaleTargetRef"], [{ apiVersion: "apps/v1", kind: "Deployment", name: "shop-api-v2" }, { apiVersion: "apps/v1", kind: "StatefulSet", name: "shop-db" }], HPA),
  poolEdit(["spec", "metrics"], [
    [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }],
    [{ type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } }],
  ], HPA),
  poolEdit(["spec", "behavior"], [{ scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } }], HPA),
];

export const PDB_EDITS: readonly MutableEdit[] = [
  {
    field: "spec.minAvailable / spec.maxUnavailable",
    source: PDB,
    apply: (incoming, _live, rand) => {
      const spec = objectAt(incoming, ["spec"]);
      if (!spec) return false;
      delete spec["minAvailable"];
      delete spec["maxUnavailable"];
      spec[rand.pick(["minAvailable", "maxUnavailable"])] = rand.pick([1, 2, "50%"]);
      return true;
    },
  },
  poolEdit(["spec", "selector"], [{ matchLabels: { app: "web" } }, { matchLabels: { "app.kubernetes.io/name": "shop-api", tier: "api" } }], PDB),
  poolEdit(["spec", "unhealthyPodEvictionPolicy"], ["AlwaysAllow", "IfHealthyBudget"], PDB),
];

// ---------------------------------------------------------------- storage, scheduling

export const STORAGE_CLASS_EDITS: readonly MutableEdit[] = [
  poolEdit(["allowVolumeExpansion"], [true, false], STORAGE),
  poolEdit(["mountOptions"], [["debug"], ["noatime", "nodiratime"]], STORAGE),
  poolEdit(["allowedTopologies"], [[{ matchLabelExpressions: [{ key: "topology.kubernetes.io/zone", values: ["eu-west-1a", "eu-west-1b"] }] }]], STORAGE),
];

export const PRIORITY_CLASS_EDITS: readonly MutableEdit[] = [
  poolEdit(["description"], ["batch workloads", "critical user-facing services"], PRIORITY),
  {
    field: "globalDefault",
    source: PRIORITY,
    apply: (incoming) => {
      if (incoming["globalDefault"] !== true) return false;
      incoming["globalDefault"] = false;
      return true;
    },
  },
];

// ---------------------------------------------------------------- apiextensions

function versions(crd: JsonObject): JsonObject[] {
  return objectItems(existingList(crd, ["spec", "versions"]));
}

function storedVersions(crd: JsonObject): string[] | undefined {
  const stored = getAt(crd, ["status", "storedVersions"]);
  return Array.isArray(stored) ? stored.filter((v) => typeof v === "string") : undefined;
}

export const CRD_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "names", "shortNames"], [["wd"], ["wdg", "wid"], []], CRD),
  poolEdit(["spec", "names", "categories"], [["all"], ["example"], []], CRD),
  {
    field: "spec.names.singular / spec.names.listKind",
    source: CRD,
    apply: (incoming, _live, rand) => {
      const names = existingObject(incoming, ["spec", "names"]);
      const kind = text(names, "kind");
      if (!names || !kind) return false;
      return rand.bool() ? setDifferent(names, "singular", [kind.toLowerCase(), `${kind.toLowerCase()}x`], rand) : setDifferent(names, "listKind", [`${kind}List`, `${kind}Items`], rand);
    },
  },
  {
    field: "spec.versions[*].storage",
    source: `${CRD} (the storage version may move to another version; reference §2.5 "switching the storage version")`,
    apply: (incoming, _live, rand) => {
      const list = versions(incoming);
      const others = list.filter((v) => v["storage"] !== true);
      if (others.length === 0) return false;
      for (const v of list) v["storage"] = false;
      const next = rand.pick(others);
      next["storage"] = true;
      next["served"] = true;
      return true;
    },
  },
  {
    field: "spec.versions[*].deprecated",
    source: CRD,
    apply: (incoming, _live, rand) => {
      const list = versions(incoming);
      if (list.length === 0) return false;
      const version = rand.pick(list);
      version["deprecated"] = version["deprecated"] !== true;
      if (version["deprecated"] === true) version["deprecationWarning"] = "use a newer version";
      else delete version["deprecationWarning"];
      return true;
    },
  },
  {
    field: "spec.versions",
    source: `${CRD} (adding a version)`,
    apply: (incoming, _live, rand) => {
      const list = existingList(incoming, ["spec", "versions"]);
      if (!list) return false;
      const name = ["v2", "v3alpha1", "v1beta2"].find((n) => !versions(incoming).some((v) => v["name"] === n));
      if (!name) return false;
      const schema = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };
      list.push({ name, served: rand.bool(), storage: false, schema });
      return true;
    },
  },
  {
    field: "spec.versions[*].schema",
    source: `${CRD} (schema edits)`,
    apply: (incoming, _live, rand) => {
      const withSchema = versions(incoming).filter((v) => isJsonObject(getAt(v, ["schema", "openAPIV3Schema"])));
      if (withSchema.length === 0) return false;
      const schema = objectAt(rand.pick(withSchema), ["schema", "openAPIV3Schema"]);
      if (!schema || schema["x-kubernetes-preserve-unknown-fields"] === true) return false;
      const properties = objectAt(schema, ["properties"]);
      if (!properties) return false;
      properties[`extra${rand.int(100)}`] = { type: "string" };
      return true;
    },
  },
  {
    field: "spec.versions[*].served",
    source: `${CRD} (served of a version that is not the storage version)`,
    apply: (incoming, _live, rand) => {
      const candidates = versions(incoming).filter((v) => v["storage"] !== true);
      if (candidates.length === 0) return false;
      const version = rand.pick(candidates);
      version["served"] = version["served"] !== true;
      return true;
    },
  },
  {
    field: "spec.versions[*].additionalPrinterColumns",
    source: `${CRD} (printer columns)`,
    apply: (incoming, _live, rand) => {
      const list = versions(incoming);
      if (list.length === 0) return false;
      return setDifferent(rand.pick(list), "additionalPrinterColumns", [[{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }], []], rand);
    },
  },
  {
    field: "spec.versions",
    source: "apiextensions-apiserver validation (ValidateCustomResourceDefinitionStoredVersions: a version the stored status.storedVersions lacks may go); reference §2.5",
    apply: (incoming, live, rand) => {
      const stored = storedVersions(live);
      const list = existingList(incoming, ["spec", "versions"]);
      if (!stored || !list) return false;
      const removable = list.filter((v) => isJsonObject(v) && v["storage"] !== true && !stored.includes(text(v, "name") ?? ""));
      if (removable.length === 0) return false;
      list.splice(list.indexOf(rand.pick(removable)), 1);
      return true;
    },
  },
];

// ---------------------------------------------------------------- admissionregistration, coordination, discovery

function webhooks(config: JsonObject): JsonObject[] {
  return objectItems(existingList(config, ["webhooks"]));
}

function webhookEdit(field: string, values: readonly JsonValue[]): MutableEdit {
  return {
    field: `webhooks[*].${field}`,
    source: WEBHOOK,
    apply: (incoming, _live, rand) => {
      const list = webhooks(incoming);
      return list.length > 0 && setDifferent(rand.pick(list), field, values, rand);
    },
  };
}

export const WEBHOOK_EDITS: readonly MutableEdit[] = [
  webhookEdit("failurePolicy", ["Fail", "Ignore"]),
  webhookEdit("timeoutSeconds", [5, 10, 30]),
  webhookEdit("namespaceSelector", [{ matchLabels: { "example.com/webhook": "enabled" } }, {}]),
  {
    field: "webhooks[*].clientConfig.caBundle",
    source: WEBHOOK,
    apply: (incoming, _live, rand) => {
      const list = webhooks(incoming);
      const config = list.length > 0 ? existingObject(rand.pick(list), ["clientConfig"]) : undefined;
      return config !== undefined && setDifferent(config, "caBundle", ["TFMwdExTMUNSVWRKVGkwdExTMHQ=", "Q0EtMg=="], rand);
    },
  },
];

export const LEASE_EDITS: readonly MutableEdit[] = [
  poolEdit(["spec", "holderIdentity"], ["controller-7d9f-abcde", "controller-7d9f-fghij"], LEASE),
  poolEdit(["spec", "leaseDurationSeconds"], [15, 30, 60], LEASE),
  poolEdit(["spec", "leaseTransitions"], [1, 2, 7], LEASE),
  poolEdit(["spec", "renewTime"], ["2025-03-11T09:00:00.000000Z", "2025-03-12T10:30:00.123456Z"], LEASE),
];

export const ENDPOINT_SLICE_EDITS: readonly MutableEdit[] = [
  {
    field: "endpoints",
    source: SLICE,
    apply: (incoming, _live, rand) => {
      const list = existingList(incoming, ["endpoints"]) ?? [];
      const ipv6 = text(incoming, "addressType") === "IPv6";
      const address = ipv6 ? `2001:db8::${1 + rand.int(250)}` : `192.0.2.${1 + rand.int(250)}`;
      incoming["endpoints"] = [...list, { addresses: [address], conditions: { ready: rand.bool() } }];
      return true;
    },
  },
  {
    field: "ports",
    source: SLICE,
    apply: (incoming, _live, rand) => {
      const list = existingList(incoming, ["ports"]) ?? [];
      incoming["ports"] = [...list, { name: freshName(list, "metrics", rand), port: 9100 + rand.int(100), protocol: "TCP" }];
      return true;
    },
  },
];
