import { z } from "zod";
import { OWNING_TOOLS } from "../owner/detect-owner.ts";

/**
 * gitops-guard's own record lines, as `audit` reads them back. Schema version 1 (README
 * "Decision records") is the only version `serve` has written; the reader accepts unknown extra
 * fields (later minor additions such as `decisionId`) and rejects a line whose known fields have
 * the wrong shape. `watch` writes records of other kinds into the same stream (`kind:
 * "assessment"` and `"replacement"` with no `webhook` field): they are read leniently.
 */
const recordedFindingSchema = z.object({
  ruleId: z.string(),
  path: z.string(),
  class: z.string(),
  severity: z.string(),
  from: z.json().optional(),
  to: z.json().optional(),
});

export const decisionRecordSchema = z.object({
  v: z.literal(1),
  time: z.string(),
  webhook: z.enum(["mutate", "validate"]),
  uid: z.string(),
  operation: z.string(),
  dryRun: z.boolean(),
  group: z.string(),
  version: z.string(),
  kind: z.string(),
  resource: z.string(),
  subResource: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string(),
  user: z.string().optional(),
  fieldManager: z.string().optional(),
  owner: z.enum(OWNING_TOOLS),
  action: z.enum(["allow", "warn", "restore", "mark", "deny"]),
  enforcedAction: z.enum(["allow", "warn", "restore", "mark", "deny"]),
  mode: z.enum(["enforce", "audit", "off"]),
  strategy: z.string().optional(),
  reason: z.string(),
  allowed: z.boolean(),
  code: z.number().optional(),
  findings: z.array(recordedFindingSchema),
  patchPaths: z.array(z.string()),
  policyVersion: z.string(),
  latencyMs: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The join key with the audit log (written by serve once the lead wires it; see docs/audit.md). */
  decisionId: z.string().optional(),
});

export type ReadDecisionRecord = z.infer<typeof decisionRecordSchema>;

const objectRefSchema = z.object({
  group: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});

/** A `watch` record: what the reader uses of it (the object, the time, the outcome). */
export const watchRecordSchema = z.object({
  kind: z.enum(["assessment", "replacement"]),
  time: z.string(),
  object: objectRefSchema.optional(),
  target: objectRefSchema.optional(),
  state: z.string().optional(),
  outcome: z.string().optional(),
});

export type WatchRecord = z.infer<typeof watchRecordSchema>;
