import { z } from "zod";

/**
 * The fields assess reads from Kustomization (kustomize.toolkit.fluxcd.io/v1), HelmRelease
 * (helm.toolkit.fluxcd.io/v2, v2beta2 read-compatible: same status fields) and Argo CD
 * Application (argoproj.io/v1alpha1), parsed once at the edge. Everything else is ignored, and
 * unknown values of known fields are kept as strings (controllers add reasons over time).
 * Field meanings: watch-recovery.md §1.2–1.4, gitops-tools.md §2–3.
 */
const conditionSchema = z
  .object({
    type: z.string(),
    status: z.string(),
    reason: z.string().optional(),
    message: z.string().optional(),
    lastTransitionTime: z.string().optional(),
    observedGeneration: z.number().optional(),
  })
  .loose();

export type Condition = z.infer<typeof conditionSchema>;

const metadataSchema = z
  .object({
    name: z.string().min(1),
    namespace: z.string().optional(),
    generation: z.number().optional(),
    creationTimestamp: z.string().optional(),
    deletionTimestamp: z.string().nullish(),
    annotations: z.record(z.string(), z.string()).nullish(),
  })
  .loose();

const dependsOnSchema = z.array(z.object({ name: z.string().min(1), namespace: z.string().optional() }).loose()).optional();

/** Flux durations are Go durations (`5m`, `1h30m`, `30s`, `500ms`); parsed by go-duration.ts. */
const fluxSpec = {
  suspend: z.boolean().optional(),
  interval: z.string().optional(),
  timeout: z.string().optional(),
  retryInterval: z.string().optional(),
  dependsOn: dependsOnSchema,
};

const fluxStatus = {
  observedGeneration: z.number().optional(),
  conditions: z.array(conditionSchema).optional(),
  lastAttemptedRevision: z.string().optional(),
  lastHandledReconcileAt: z.string().optional(),
};

const inventorySchema = z.object({ entries: z.array(z.object({ id: z.string(), v: z.string().optional() }).loose()).optional() }).loose();

export const kustomizationSchema = z
  .object({
    apiVersion: z.string().regex(/^kustomize\.toolkit\.fluxcd\.io\//),
    kind: z.literal("Kustomization"),
    metadata: metadataSchema,
    spec: z.object({ ...fluxSpec, path: z.string().optional(), force: z.boolean().optional() }).loose().optional(),
    status: z
      .object({
        ...fluxStatus,
        lastAppliedRevision: z.string().optional(),
        inventory: inventorySchema.nullish(),
        history: z.array(z.object({ firstReconciled: z.string().optional(), lastReconciledStatus: z.string().optional() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

const remediationSchema = z.object({ retries: z.number().optional() }).loose().optional();
const strategySchema = z.object({ name: z.string().optional(), retryInterval: z.string().optional() }).loose().optional();
const actionSpec = z.object({ timeout: z.string().optional(), remediation: remediationSchema, strategy: strategySchema }).loose().optional();

export const helmReleaseSchema = z
  .object({
    apiVersion: z.string().regex(/^helm\.toolkit\.fluxcd\.io\//),
    kind: z.literal("HelmRelease"),
    metadata: metadataSchema,
    spec: z.object({ ...fluxSpec, releaseName: z.string().optional(), targetNamespace: z.string().optional(), install: actionSpec, upgrade: actionSpec }).loose().optional(),
    status: z
      .object({
        ...fluxStatus,
        lastAttemptedGeneration: z.number().optional(),
        lastAttemptedReleaseAction: z.string().optional(),
        failures: z.number().optional(),
        installFailures: z.number().optional(),
        upgradeFailures: z.number().optional(),
        history: z.array(z.object({ status: z.string().optional(), chartVersion: z.string().optional(), version: z.number().optional() }).loose()).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** An object an Argo CD Application names (its sync result or its resource list). */
const resourceRefSchema = z.object({
  group: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  status: z.string().optional(),
});

const syncResourceSchema = resourceRefSchema.extend({ message: z.string().optional(), hookPhase: z.string().optional() }).loose();

const appResourceSchema = resourceRefSchema.extend({ health: z.object({ status: z.string().optional(), message: z.string().optional() }).loose().optional() }).loose();

export const applicationSchema = z
  .object({
    apiVersion: z.string().regex(/^argoproj\.io\//),
    kind: z.literal("Application"),
    metadata: metadataSchema,
    spec: z
      .object({
        syncPolicy: z.object({ automated: z.object({}).loose().nullish(), retry: z.object({ limit: z.number().optional() }).loose().nullish() }).loose().nullish(),
      })
      .loose()
      .optional(),
    status: z
      .object({
        sync: z.object({ status: z.string().optional(), revision: z.string().optional() }).loose().optional(),
        health: z.object({ status: z.string().optional(), message: z.string().optional(), lastTransitionTime: z.string().optional() }).loose().optional(),
        conditions: z.array(z.object({ type: z.string(), message: z.string().optional(), lastTransitionTime: z.string().optional() }).loose()).optional(),
        resources: z.array(appResourceSchema).optional(),
        operationState: z
          .object({
            phase: z.string().optional(),
            message: z.string().optional(),
            startedAt: z.string().optional(),
            finishedAt: z.string().nullish(),
            retryCount: z.number().optional(),
            syncResult: z.object({ revision: z.string().optional(), resources: z.array(syncResourceSchema).optional() }).loose().optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type Kustomization = z.infer<typeof kustomizationSchema>;
export type HelmRelease = z.infer<typeof helmReleaseSchema>;
export type Application = z.infer<typeof applicationSchema>;

/** One object assess understands, tagged by kind. */
export type Reconcilable =
  | { readonly kind: "Kustomization"; readonly object: Kustomization }
  | { readonly kind: "HelmRelease"; readonly object: HelmRelease }
  | { readonly kind: "Application"; readonly object: Application };

export type ParseReconcilable =
  | { readonly ok: true; readonly value: Reconcilable }
  | { readonly ok: false; readonly error: string };

function issues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(object)"}: ${i.message}`).join("; ");
}

/** The kinds (by apiVersion group) assess reads; anything else is refused with a clear error. */
export const ASSESSABLE_KINDS = ["Kustomization", "HelmRelease", "Application"] as const;

/** apiVersion and kind first: they choose the schema (built once; building zod schemas per call is costly). */
const probeSchema = z.object({ apiVersion: z.string(), kind: z.string() }).loose();

/** Parses one object (raw JSON) into a Reconcilable, or says what is wrong with it. */
export function parseReconcilable(value: unknown): ParseReconcilable {
  const probe = probeSchema.safeParse(value);
  if (!probe.success) return { ok: false, error: "not a Kubernetes object (apiVersion and kind are required)" };
  const { apiVersion, kind } = probe.data;
  const fail = (error: z.ZodError): ParseReconcilable => ({ ok: false, error: `${apiVersion} ${kind}: ${issues(error)}` });
  if (kind === "Kustomization") {
    const r = kustomizationSchema.safeParse(value);
    return r.success ? { ok: true, value: { kind, object: r.data } } : fail(r.error);
  }
  if (kind === "HelmRelease") {
    const r = helmReleaseSchema.safeParse(value);
    return r.success ? { ok: true, value: { kind, object: r.data } } : fail(r.error);
  }
  if (kind === "Application") {
    const r = applicationSchema.safeParse(value);
    return r.success ? { ok: true, value: { kind, object: r.data } } : fail(r.error);
  }
  return { ok: false, error: `${apiVersion} ${kind} is not a kind diagnose reads (${ASSESSABLE_KINDS.join(", ")})` };
}
