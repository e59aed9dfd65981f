import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { applyDefaults, dropEmptyStrings, type DefaultTree } from "./apply-defaults.ts";
import { normalizedViolations } from "./normalized-violations.ts";

/** The members of core.PersistentVolumeSource (one of them is set on a PV spec). */
export const PV_SOURCES = [
  "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs",
  "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
  "portworxVolume", "scaleIO", "local", "storageos", "csi",
] as const;

// pkg/apis/core/v1/defaults.go (SetDefaults_ISCSIPersistentVolumeSource, _RBDPersistentVolumeSource,
// _AzureDiskVolumeSource, _ScaleIOPersistentVolumeSource); readOnly is a plain bool in the sources.
const SOURCE_DEFAULTS: DefaultTree = {
  ...Object.fromEntries(PV_SOURCES.map((name) => [name, { readOnly: false }])),
  iscsi: { iscsiInterface: "default", readOnly: false },
  rbd: { pool: "rbd", user: "admin", keyring: "/etc/ceph/keyring", readOnly: false },
  azureDisk: { cachingMode: "ReadWrite", fsType: "ext4", readOnly: false, kind: "Shared" },
  scaleIO: { storageMode: "ThinProvisioned", fsType: "xfs", readOnly: false },
};

function sources(pv: JsonObject): JsonObject {
  const spec = getAt(pv, ["spec"]);
  const picked: JsonObject = {};
  if (isJsonObject(spec)) for (const name of PV_SOURCES) if (spec[name] !== undefined) picked[name] = spec[name];
  const normalized = dropEmptyStrings(applyDefaults(picked, SOURCE_DEFAULTS));
  return isJsonObject(normalized) ? normalized : {};
}

function withoutExpandSecret(csi: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(csi)) return csi;
  const { controllerExpandSecretRef: _added, ...rest } = csi;
  return rest;
}

/**
 * `ValidatePersistentVolumeUpdate`: the volume source (nfs, csi, hostPath, …) is immutable,
 * except that `csi.controllerExpandSecretRef` may be added when the stored PV has none.
 */
export function pvVolumeSource(input: RuleInput): Violation[] {
  const before = sources(input.old);
  const after = sources(input.new);
  const oldCsi = before["csi"];
  if (isJsonObject(oldCsi) && oldCsi["controllerExpandSecretRef"] === undefined && isJsonObject(after["csi"])) {
    after["csi"] = withoutExpandSecret(after["csi"]) ?? {};
  }
  return normalizedViolations(input, ["spec"], before, after);
}
