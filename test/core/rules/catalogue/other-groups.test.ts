import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../../../support/load-yaml.ts";
import { expectFindings, findingsFor } from "../../../support/rule-case.ts";

const DIR = "rules/other";

/** One row of the table: a fixture and what the API server does with it. */
interface Case {
  readonly fixture: string;
  readonly title: string;
  readonly refused?: { readonly ruleId: string; readonly paths: readonly string[] };
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.title, () => {
      expectFindings(`${DIR}/${c.fixture}`, c.refused ? { refused: c.refused } : { accepted: true });
    });
  }
}

const RBAC = "rbac.authorization.k8s.io";
const STORAGE = "storage.k8s.io";
const CRD = "apiextensions.k8s.io.CustomResourceDefinition";

describe("rbac.authorization.k8s.io", () => {
  run([
    { fixture: "rolebinding-subjects.yaml", title: "accepts RoleBinding subjects changes" },
    {
      fixture: "rolebinding-roleref.yaml",
      title: "refuses a RoleBinding roleRef change",
      refused: { ruleId: `${RBAC}.RoleBinding.roleRef`, paths: ["roleRef.name"] },
    },
    { fixture: "rolebinding-roleref-apigroup-omitted.yaml", title: "accepts a roleRef that omits the defaulted apiGroup" },
    { fixture: "clusterrolebinding-subjects.yaml", title: "accepts ClusterRoleBinding subjects changes" },
    {
      fixture: "clusterrolebinding-roleref.yaml",
      title: "refuses a ClusterRoleBinding roleRef change",
      refused: { ruleId: `${RBAC}.ClusterRoleBinding.roleRef`, paths: ["roleRef.name"] },
    },
  ]);
});

describe("storage.k8s.io", () => {
  run([
    { fixture: "storageclass-expansion-mount-options.yaml", title: "accepts StorageClass allowVolumeExpansion, mountOptions, allowedTopologies, annotations" },
    {
      fixture: "storageclass-parameters.yaml",
      title: "refuses StorageClass parameters changes",
      refused: { ruleId: `${STORAGE}.StorageClass.parameters`, paths: ["parameters.iops", "parameters.throughput"] },
    },
    {
      fixture: "storageclass-provisioner.yaml",
      title: "refuses a StorageClass provisioner change",
      refused: { ruleId: `${STORAGE}.StorageClass.provisioner`, paths: ["provisioner"] },
    },
    {
      fixture: "storageclass-retain-omitted.yaml",
      title: "refuses reclaimPolicy Retain → omitted (defaults to Delete)",
      refused: { ruleId: `${STORAGE}.StorageClass.reclaimPolicy`, paths: ["reclaimPolicy"] },
    },
    { fixture: "storageclass-delete-omitted.yaml", title: "accepts reclaimPolicy Delete and volumeBindingMode Immediate → omitted (the defaults)" },
    {
      fixture: "storageclass-binding-mode-omitted.yaml",
      title: "refuses volumeBindingMode WaitForFirstConsumer → omitted (defaults to Immediate)",
      refused: { ruleId: `${STORAGE}.StorageClass.volumeBindingMode`, paths: ["volumeBindingMode"] },
    },
    {
      fixture: "csidriver-attach-required.yaml",
      title: "refuses CSIDriver attachRequired true → false",
      refused: { ruleId: `${STORAGE}.CSIDriver.attachRequired`, paths: ["spec.attachRequired"] },
    },
    {
      fixture: "csidriver-attach-required-false-omitted.yaml",
      title: "refuses CSIDriver attachRequired false → omitted (defaults to true)",
      refused: { ruleId: `${STORAGE}.CSIDriver.attachRequired`, paths: ["spec.attachRequired"] },
    },
    { fixture: "csidriver-mutable-fields.yaml", title: "accepts CSIDriver defaults omitted and podInfoOnMount, fsGroupPolicy, storageCapacity, tokenRequests changes" },
    {
      fixture: "csidriver-lifecycle-modes.yaml",
      title: "refuses CSIDriver volumeLifecycleModes omitted ([Persistent]) → [Persistent, Ephemeral]",
      refused: { ruleId: `${STORAGE}.CSIDriver.volumeLifecycleModes`, paths: ["spec.volumeLifecycleModes"] },
    },
    {
      fixture: "volumeattachment-spec.yaml",
      title: "refuses a VolumeAttachment spec change",
      refused: { ruleId: `${STORAGE}.VolumeAttachment.spec`, paths: ["spec.nodeName"] },
    },
    { fixture: "volumeattachment-metadata.yaml", title: "accepts VolumeAttachment metadata and status changes" },
    {
      fixture: "csinode-driver-changed.yaml",
      title: "refuses a change of an existing CSINode driver entry, matched by name",
      refused: { ruleId: `${STORAGE}.CSINode.drivers`, paths: ["spec.drivers[1].nodeID", "spec.drivers[1].topologyKeys[1]"] },
    },
    { fixture: "csinode-drivers-added-allocatable.yaml", title: "accepts CSINode drivers added, removed, re-ordered and allocatable changes" },
    {
      fixture: "csistoragecapacity-class.yaml",
      title: "refuses a CSIStorageCapacity storageClassName change",
      refused: { ruleId: `${STORAGE}.CSIStorageCapacity.storageClassName`, paths: ["storageClassName"] },
    },
    {
      fixture: "csistoragecapacity-topology.yaml",
      title: "refuses a CSIStorageCapacity nodeTopology change (v1beta1)",
      refused: { ruleId: `${STORAGE}.CSIStorageCapacity.nodeTopology`, paths: ["nodeTopology"] },
    },
    { fixture: "csistoragecapacity-capacity.yaml", title: "accepts CSIStorageCapacity capacity and maximumVolumeSize changes" },
    {
      fixture: "volumeattributesclass-parameters.yaml",
      title: "refuses VolumeAttributesClass parameters changes",
      refused: { ruleId: `${STORAGE}.VolumeAttributesClass.parameters`, paths: ["parameters"] },
    },
    {
      fixture: "volumeattributesclass-driver.yaml",
      title: "refuses a VolumeAttributesClass driverName change (v1beta1)",
      refused: { ruleId: `${STORAGE}.VolumeAttributesClass.driverName`, paths: ["driverName"] },
    },
    { fixture: "volumeattributesclass-labels.yaml", title: "accepts VolumeAttributesClass metadata changes across v1beta1 → v1" },
  ]);
});

describe("scheduling, networking, discovery, certificates, coordination, node, events", () => {
  run([
    {
      fixture: "priorityclass-value.yaml",
      title: "refuses a PriorityClass value change",
      refused: { ruleId: "scheduling.k8s.io.PriorityClass.value", paths: ["value"] },
    },
    { fixture: "priorityclass-description.yaml", title: "accepts PriorityClass description, globalDefault, and the default preemptionPolicy omitted" },
    {
      fixture: "priorityclass-preemption-omitted.yaml",
      title: "refuses preemptionPolicy Never → omitted (defaults to PreemptLowerPriority)",
      refused: { ruleId: "scheduling.k8s.io.PriorityClass.preemptionPolicy", paths: ["preemptionPolicy"] },
    },
    {
      fixture: "ingressclass-controller.yaml",
      title: "refuses an IngressClass controller change",
      refused: { ruleId: "networking.k8s.io.IngressClass.controller", paths: ["spec.controller"] },
    },
    { fixture: "ingressclass-parameters.yaml", title: "accepts IngressClass parameters and annotations" },
    {
      fixture: "ipaddress-parentref.yaml",
      title: "refuses an IPAddress parentRef change",
      refused: { ruleId: "networking.k8s.io.IPAddress.parentRef", paths: ["spec.parentRef"] },
    },
    { fixture: "ipaddress-labels.yaml", title: "accepts IPAddress label changes (v1beta1)" },
    {
      fixture: "servicecidr-change.yaml",
      title: "refuses a change of an existing ServiceCIDR CIDR",
      refused: { ruleId: "networking.k8s.io.ServiceCIDR.cidrs", paths: ["spec.cidrs[0]"] },
    },
    { fixture: "servicecidr-dual-stack.yaml", title: "accepts a ServiceCIDR going single- to dual-stack" },
    {
      fixture: "servicecidr-dual-stack-primary-changed.yaml",
      title: "refuses going dual-stack while changing the existing CIDR",
      refused: { ruleId: "networking.k8s.io.ServiceCIDR.cidrs", paths: ["spec.cidrs[0]"] },
    },
    {
      fixture: "servicecidr-secondary-removed.yaml",
      title: "refuses removing a ServiceCIDR's second CIDR",
      refused: { ruleId: "networking.k8s.io.ServiceCIDR.cidrs", paths: ["spec.cidrs"] },
    },
    {
      fixture: "endpointslice-address-type.yaml",
      title: "refuses an EndpointSlice addressType change",
      refused: { ruleId: "discovery.k8s.io.EndpointSlice.addressType", paths: ["addressType"] },
    },
    { fixture: "endpointslice-endpoints.yaml", title: "accepts EndpointSlice endpoints and ports changes" },
    {
      fixture: "clustertrustbundle-signer.yaml",
      title: "refuses a ClusterTrustBundle signerName change",
      refused: { ruleId: "certificates.k8s.io.ClusterTrustBundle.signerName", paths: ["spec.signerName"] },
    },
    { fixture: "clustertrustbundle-trust-bundle.yaml", title: "accepts a ClusterTrustBundle trustBundle rotation" },
    {
      fixture: "leasecandidate-lease-name.yaml",
      title: "refuses a LeaseCandidate leaseName change",
      refused: { ruleId: "coordination.k8s.io.LeaseCandidate.leaseName", paths: ["spec.leaseName"] },
    },
    { fixture: "leasecandidate-renew.yaml", title: "accepts LeaseCandidate renewals and version changes (v1alpha2)" },
    {
      fixture: "runtimeclass-handler.yaml",
      title: "refuses a RuntimeClass handler change",
      refused: { ruleId: "node.k8s.io.RuntimeClass.handler", paths: ["handler"] },
    },
    { fixture: "runtimeclass-overhead.yaml", title: "accepts RuntimeClass overhead and scheduling" },
    {
      fixture: "event-note.yaml",
      title: "refuses an events.k8s.io/v1 Event note and deprecatedCount change",
      refused: { ruleId: "events.k8s.io.Event.note", paths: ["note"] },
    },
    { fixture: "event-series.yaml", title: "accepts an events.k8s.io/v1 Event series and label update" },
  ]);

  it("refuses the events.k8s.io/v1 Event deprecatedCount change too (absent = 0)", () => {
    expectFindings(`${DIR}/event-note.yaml`, {
      refused: { ruleId: "events.k8s.io.Event.deprecatedCount", paths: ["deprecatedCount"] },
    });
  });

  it("reports a CertificateSigningRequest spec change as a risky warning, never blocking", () => {
    const findings = expectFindings(`${DIR}/csr-spec.yaml`, { accepted: true });
    const csr = findings.find((f) => f.ruleId === "certificates.k8s.io.CertificateSigningRequest.spec");
    assert.equal(csr?.path, "spec.expirationSeconds");
    assert.equal(csr?.class, "risky");
    assert.equal(csr?.severity, "warning");
    assert.equal(csr?.strategy, "review");
    assert.match(csr?.message ?? "", /silently discarded/);
  });

  it("reports nothing for CertificateSigningRequest metadata changes", () => {
    expectFindings(`${DIR}/csr-labels.yaml`, { accepted: true });
    assert.deepEqual(findingsFor(`${DIR}/csr-labels.yaml`).filter((f) => f.ruleId.startsWith("certificates.k8s.io")), []);
  });
});

describe("apiextensions.k8s.io CustomResourceDefinition", () => {
  run([
    {
      fixture: "crd-group.yaml",
      title: "refuses a spec.group change",
      refused: { ruleId: `${CRD}.group`, paths: ["spec.group"] },
    },
    {
      fixture: "crd-plural.yaml",
      title: "refuses a spec.names.plural change",
      refused: { ruleId: `${CRD}.names.plural`, paths: ["spec.names.plural"] },
    },
    { fixture: "crd-scope-before-established.yaml", title: "accepts a scope change before the CRD is Established" },
    {
      fixture: "crd-scope-after-established.yaml",
      title: "refuses a scope change once Established",
      refused: { ruleId: `${CRD}.scope`, paths: ["spec.scope"] },
    },
    { fixture: "crd-kind-before-established.yaml", title: "accepts a kind change before the CRD is Established" },
    {
      fixture: "crd-kind-after-established.yaml",
      title: "refuses a kind change once Established",
      refused: { ruleId: `${CRD}.names.kind`, paths: ["spec.names.kind"] },
    },
    { fixture: "crd-mutable-names-and-versions.yaml", title: "accepts singular, shortNames, categories, an added version and a storage switch" },
    {
      fixture: "crd-remove-stored-version.yaml",
      title: "refuses removing a version still in status.storedVersions",
      refused: { ruleId: `${CRD}.versions`, paths: ["spec.versions[0]"] },
    },
    { fixture: "crd-remove-unstored-version.yaml", title: "accepts removing a version no longer stored" },
  ]);

  it("uses the migrate strategy for a CRD (data-bearing)", () => {
    const [finding] = findingsFor(`${DIR}/crd-scope-after-established.yaml`);
    assert.equal(finding?.strategy, "migrate");
  });
});

describe("resource.k8s.io", () => {
  run([
    {
      fixture: "resourceclaim-spec.yaml",
      title: "refuses a ResourceClaim spec change",
      refused: { ruleId: "resource.k8s.io.ResourceClaim.spec", paths: ["spec.devices.requests[0].exactly.count"] },
    },
    { fixture: "resourceclaim-defaults-and-labels.yaml", title: "accepts a ResourceClaim manifest omitting defaulted fields, with new labels" },
    {
      fixture: "resourceclaimtemplate-spec.yaml",
      title: "refuses a ResourceClaimTemplate spec change (v1beta1)",
      refused: { ruleId: "resource.k8s.io.ResourceClaimTemplate.spec", paths: ["spec.spec.devices.requests[0].selectors"] },
    },
    { fixture: "resourceclaimtemplate-metadata.yaml", title: "accepts ResourceClaimTemplate labels with defaulted v1beta1 fields omitted" },
    {
      fixture: "resourceslice-driver.yaml",
      title: "refuses a ResourceSlice driver change",
      refused: { ruleId: "resource.k8s.io.ResourceSlice.driver", paths: ["spec.driver"] },
    },
    {
      fixture: "resourceslice-pool-name.yaml",
      title: "refuses a ResourceSlice pool name change",
      refused: { ruleId: "resource.k8s.io.ResourceSlice.pool.name", paths: ["spec.pool.name"] },
    },
    {
      fixture: "resourceslice-node-name.yaml",
      title: "refuses a ResourceSlice nodeName change",
      refused: { ruleId: "resource.k8s.io.ResourceSlice.nodeName", paths: ["spec.nodeName"] },
    },
    { fixture: "resourceslice-devices.yaml", title: "accepts ResourceSlice devices and pool generation changes" },
  ]);
});

describe("kinds without update-time immutability", () => {
  const files = readdirSync(join(FIXTURES, DIR, "mutable")).filter((f) => f.endsWith(".yaml"));

  it("has a fixture for each of the twelve kinds", () => {
    assert.equal(files.length, 12);
  });

  for (const file of files) {
    it(`never blocks ${file.replace(/\.yaml$/, "")}`, () => {
      const findings = expectFindings(`${DIR}/mutable/${file}`, { accepted: true });
      assert.ok(findings.every((f) => f.class === "risky"), JSON.stringify(findings.map((f) => f.ruleId)));
    });
  }
});
