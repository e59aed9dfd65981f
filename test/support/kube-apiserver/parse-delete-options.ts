import { isJsonObject } from "../../../src/core/k8s/json.ts";
import type { DeleteOptions, PropagationPolicy } from "./delete-object.ts";
import { invalid } from "./invalid-error.ts";
import { badRequest } from "./status-error.ts";

const POLICIES: readonly string[] = ["Foreground", "Background", "Orphan"];

function isPolicy(value: unknown): value is PropagationPolicy {
  return typeof value === "string" && POLICIES.includes(value);
}

/**
 * DeleteOptions from the query (propagationPolicy, orphanDependents, gracePeriodSeconds, dryRun) and the optional
 * JSON body (a DeleteOptions object; the query wins where both are set). orphanDependents=true is
 * the deprecated spelling of Orphan. An unknown policy is 422, as ValidateDeleteOptions answers.
 */
export function parseDeleteOptions(query: URLSearchParams, bodyText: string): DeleteOptions {
  let body: Record<string, unknown> = {};
  if (bodyText.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(bodyText);
      if (isJsonObject(parsed)) body = parsed;
    } catch {
      throw badRequest("the body of the DELETE request is not a DeleteOptions JSON object");
    }
  }
  const orphan = query.get("orphanDependents") ?? (typeof body["orphanDependents"] === "boolean" ? String(body["orphanDependents"]) : undefined);
  const raw = query.get("propagationPolicy") ?? body["propagationPolicy"] ?? (orphan === "true" ? "Orphan" : orphan === "false" ? "Background" : undefined);
  if (raw !== undefined && !isPolicy(raw)) {
    throw invalid("meta.k8s.io", "DeleteOptions", "", [{ type: "FieldValueNotSupported", field: "propagationPolicy", value: String(raw), detail: `supported values: "Foreground", "Background", "Orphan"` }]);
  }
  const graceText = query.get("gracePeriodSeconds") ?? (typeof body["gracePeriodSeconds"] === "number" ? String(body["gracePeriodSeconds"]) : undefined);
  const gracePeriodSeconds = graceText === undefined ? undefined : Number(graceText);
  if (gracePeriodSeconds !== undefined && !Number.isInteger(gracePeriodSeconds)) throw badRequest(`gracePeriodSeconds: invalid value ${JSON.stringify(graceText)}`);
  const pre = isJsonObject(body["preconditions"]) ? body["preconditions"] : {};
  const bodyDryRun = Array.isArray(body["dryRun"]) ? body["dryRun"] : [];
  return {
    ...(raw !== undefined ? { propagationPolicy: raw } : {}),
    ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
    preconditions: {
      ...(typeof pre["uid"] === "string" ? { uid: pre["uid"] } : {}),
      ...(typeof pre["resourceVersion"] === "string" ? { resourceVersion: pre["resourceVersion"] } : {}),
    },
    dryRun: query.getAll("dryRun").includes("All") || bodyDryRun.includes("All"),
  };
}
