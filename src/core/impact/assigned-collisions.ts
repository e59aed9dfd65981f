import { getAt } from "../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../k8s/json.ts";
import { needsClusterIP, needsNodePort, primaryClusterIP } from "../rules/catalogue/service-type.ts";
import type { ReportFinding } from "./impact-report.ts";

/** Rule ids of the offline collisions with values the API server assigned (check without --live). */
export const ASSIGNED_RULE_IDS = {
  clusterIP: "core.Service.clusterIP-assigned",
  nodePort: "core.Service.nodePort-assigned",
  volumeName: "core.PersistentVolumeClaim.volumeName-assigned",
} as const;

function isBlank(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || value === "";
}

/** A Service port's identity across the two manifests: its name, else port and protocol. */
function portKey(port: JsonObject): string {
  const name = port["name"];
  if (typeof name === "string" && name !== "") return `name:${name}`;
  const protocol = typeof port["protocol"] === "string" ? port["protocol"] : "TCP";
  return `port:${String(port["port"])}/${protocol}`;
}

function ports(service: JsonObject): JsonObject[] {
  const value = getAt(service, ["spec", "ports"]);
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function serviceCollisions(before: JsonObject, after: JsonObject): ReportFinding[] {
  const findings: ReportFinding[] = [];
  const wanted = primaryClusterIP(after);
  if (needsClusterIP(before) && needsClusterIP(after) && primaryClusterIP(before) === undefined && wanted !== undefined) {
    findings.push({
      ruleId: ASSIGNED_RULE_IDS.clusterIP,
      path: "spec.clusterIP",
      class: "immutable",
      severity: "blocking",
      to: wanted,
      strategy: "recreate",
      message:
        `the before manifest omits clusterIP, so the live Service has one the API server allocated; ${wanted === "None" ? "making it headless (None)" : `asking for ${wanted}`} ` +
        "is refused (spec.clusterIPs[0]: may not change once set): recreate the Service, or keep clusterIP out of the manifest",
    });
  }
  if (needsNodePort(before) && needsNodePort(after)) {
    const omitted = new Set(ports(before).filter((p) => isBlank(p["nodePort"])).map(portKey));
    ports(after).forEach((port, i) => {
      const nodePort = port["nodePort"];
      if (isBlank(nodePort) || !omitted.has(portKey(port))) return;
      findings.push({
        ruleId: ASSIGNED_RULE_IDS.nodePort,
        path: `spec.ports[${i}].nodePort`,
        class: "risky",
        severity: "warning",
        ...(nodePort === undefined ? {} : { to: nodePort }),
        strategy: "review",
        message:
          "the before manifest omits this nodePort, so the live Service has one the API server allocated; the fixed port replaces it " +
          "(clients of the old port lose it), and the apply fails with 422 (provided port is already allocated) if another Service holds it",
      });
    });
  }
  return findings;
}

function claimCollisions(before: JsonObject, after: JsonObject): ReportFinding[] {
  const wanted = getAt(after, ["spec", "volumeName"]);
  if (!isBlank(getAt(before, ["spec", "volumeName"])) || isBlank(wanted)) return [];
  return [{
    ruleId: ASSIGNED_RULE_IDS.volumeName,
    path: "spec.volumeName",
    class: "immutable",
    severity: "blocking",
    ...(wanted === undefined ? {} : { to: wanted }),
    strategy: "revert",
    message:
      "the before manifest omits volumeName, so a bound claim has the one the binder wrote; another volume is refused " +
      "(spec is immutable after creation). Only a claim still Pending (WaitForFirstConsumer, never used) accepts it: check with --live",
  }];
}

/**
 * check offline: the before manifest omits a value the API server assigns, so the live object has
 * one, and the after manifest sets a value that collides with it (a Service made headless over its
 * allocated clusterIP, a fixed nodePort over an allocated one, a PVC volumeName over the binder's).
 * The catalogue judges these only against a live object (serve, check --live), where the
 * assigned value is present; here it is inferred.
 */
export function assignedCollisions(group: string, kind: string, before: JsonObject, after: JsonObject): ReportFinding[] {
  if (group !== "") return [];
  if (kind === "Service") return serviceCollisions(before, after);
  // A before object with a status is a live one (its volumeName is known): the catalogue judges it.
  if (kind === "PersistentVolumeClaim" && getAt(before, ["status"]) === undefined) return claimCollisions(before, after);
  return [];
}
