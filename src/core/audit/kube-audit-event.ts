import { z } from "zod";

/**
 * The `audit.k8s.io/v1` Event fields `audit` reads (reference/audit-and-ci-outputs.md §1.1).
 * Unknown fields are ignored; request and response objects are never kept (they are large and
 * may hold Secret data). Legacy captures carry `timestamp` instead of `requestReceivedTimestamp`.
 */
const userSchema = z.object({
  username: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

export const auditEventSchema = z.object({
  kind: z.literal("Event").optional(),
  apiVersion: z.string().optional(),
  level: z.string().optional(),
  auditID: z.string().min(1),
  stage: z.string(),
  requestURI: z.string().optional(),
  verb: z.string(),
  user: userSchema.optional(),
  impersonatedUser: userSchema.nullish(),
  userAgent: z.string().optional(),
  objectRef: z
    .object({
      resource: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
      apiGroup: z.string().optional(),
      apiVersion: z.string().optional(),
      subresource: z.string().optional(),
    })
    .optional(),
  responseStatus: z
    .object({
      code: z.number().optional(),
      status: z.string().optional(),
      message: z.string().optional(),
      reason: z.string().optional(),
    })
    .optional(),
  requestReceivedTimestamp: z.string().optional(),
  stageTimestamp: z.string().optional(),
  timestamp: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;

/** When the request arrived: requestReceivedTimestamp, or the legacy `timestamp`, or the stage's time. */
export function eventTime(event: AuditEvent): string | undefined {
  return event.requestReceivedTimestamp ?? event.timestamp ?? event.stageTimestamp;
}

/** The stages that end a request (its outcome is known). */
export function isFinalStage(stage: string): boolean {
  return stage === "ResponseComplete" || stage === "Panic";
}
