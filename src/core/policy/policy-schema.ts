import { z } from "zod";
import { recoverySchema } from "./recovery-schema.ts";
import { OWNING_TOOLS } from "../owner/detect-owner.ts";
import { BUILTIN_RULES } from "../rules/catalogue/builtin-rules.ts";
import { FEATURE_GATES, isGateName } from "../kube/feature-gates.ts";
import { DEFAULT_REPLACE_SETTINGS } from "../replace/replace-settings.ts";
import { isKnownRelease, knownReleases, formatRelease, parseRelease } from "../kube/kube-release.ts";

/**
 * The policy: one YAML document (file or ConfigMap key `policy.yaml`), validated once at the edge.
 * Every key is documented in docs/policy.md; test/core/policy checks that it names every key of
 * this schema. Defaults here are the embedded default policy's values, each written once: a section
 * left out is parsed as `{}` (zod's `prefault`), so its keys' own defaults fill it.
 */

/** A kind as `Kind` (any group) or `Kind.group` (`Deployment.apps`, `Lease.coordination.k8s.io`). */
const kindRef = z.string().regex(/^[A-Z][A-Za-z0-9]*(\.[a-z0-9.-]+)?$/, "a kind as Kind or Kind.group, e.g. Deployment.apps");

/** What to do with an immutable or declared conflict. */
export const conflictActionSchema = z.enum(["deny", "warn", "mark", "allow"]);
export type ConflictAction = z.infer<typeof conflictActionSchema>;

/** How a marked object is replaced. */
export const replaceStrategySchema = z.enum(["recreate", "orphan-recreate"]);
export type ReplaceStrategy = z.infer<typeof replaceStrategySchema>;

const matchSchema = z
  .strictObject({
    /** Kinds this entry applies to (`Kind` or `Kind.group`); empty = all. */
    kinds: z.array(kindRef).default([]),
    /** Namespaces this entry applies to; empty = all (cluster-scoped objects match only when empty). */
    namespaces: z.array(z.string().min(1)).default([]),
    /** Labels the object (new or live) must all carry, value "*" = any value. */
    labels: z.record(z.string(), z.string()).default({}),
    /** Owning GitOps tools; empty = any. */
    owners: z.array(z.enum(OWNING_TOOLS)).default([]),
  })
  .prefault({});

const overrideSchema = z.strictObject({
  /** A name for the entry, shown in records. */
  name: z.string().min(1).optional(),
  match: matchSchema,
  /** Action for immutable/declared conflicts on matching objects. */
  action: conflictActionSchema,
  /** Replacement strategy when action is `mark`. Default: recreate. */
  strategy: replaceStrategySchema.default("recreate"),
  /** Allow `mark` on data-bearing kinds (PVC, PV, Namespace, CRD). Default false: data is never recreated. */
  acceptDataLoss: z.boolean().default(false),
});

const customRuleSchema = z.strictObject({
  /** Stable id, shown in findings and records. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, "letters, digits and . _ : / -"),
  /** `Kind` or `Kind.group` the rule applies to. */
  kind: kindRef,
  /** Field path (`spec.foo`, `spec.items[*].name`). */
  path: z.string().min(1),
  /** `declared`: treated like an immutable field; `risky`: a warning. */
  class: z.enum(["declared", "risky"]),
  /** Shown in denials and warnings. */
  message: z.string().min(1),
});

const exemptionsSchema = z
  .strictObject({
    /** Namespaces never judged. kube-system and the guard's own namespace are always added. */
    namespaces: z.array(z.string().min(1)).default([]),
    /** Usernames never judged (e.g. a break-glass service account). */
    users: z.array(z.string().min(1)).default([]),
    /** Groups never judged. */
    groups: z.array(z.string().min(1)).default([]),
    /** Kinds never judged (`Kind` or `Kind.group`). */
    kinds: z.array(kindRef).default([]),
  })
  .prefault({});

const defaultsSchema = z
  .strictObject({
    /** Conflicts on objects a GitOps tool in `markOwners` applies. Default: mark. */
    owned: conflictActionSchema.default("mark"),
    /** Tools whose objects get `owned`. Default: flux (the only tool that reads a live force marker everywhere). */
    markOwners: z.array(z.enum(OWNING_TOOLS)).default(["flux"]),
    /** Conflicts on every other object. Default: deny. */
    unowned: conflictActionSchema.default("deny"),
    /** Strategy used by `mark` unless an override says otherwise. Default: recreate. */
    strategy: replaceStrategySchema.default("recreate"),
  })
  .prefault({});

const deletionProtectionSchema = z
  .strictObject({
    /** Kinds whose DELETE is denied unless the object carries `<annotation>: "false"`. */
    kinds: z.array(kindRef).default([]),
    /** Objects carrying this annotation with value "true" are protected whatever their kind. */
    annotation: z.string().min(1).default("gitops-guard.io/protect"),
  })
  .prefault({});

const recordsSchema = z
  .strictObject({
    /** Longest finding value (from/to) kept in a record, in bytes of JSON; longer values are truncated. */
    valueMaxBytes: z.number().int().min(16).max(65536).default(256),
    /** Record dry-run decisions too. Default true (Flux dry-runs every object first). */
    dryRun: z.boolean().default(true),
  })
  .prefault({});

/** Seconds of a watch threshold: at least 30 (one Flux retry interval is rarely shorter), at most a week. */
const thresholdSeconds = z.number().int().min(30).max(7 * 24 * 3600);

/** Thresholds of its own for some kinds and/or namespaces: the first override that matches wins, key by key over the defaults. */
const watchOverrideSchema = z.strictObject({
  /** Kinds it applies to (`Kustomization`, `HelmRelease`, `Application`); absent: every kind. */
  kinds: z.array(z.string().min(1)).min(1).optional(),
  /** Namespaces it applies to; absent: every namespace. */
  namespaces: z.array(z.string().min(1)).min(1).optional(),
  stuckAfterSeconds: thresholdSeconds.optional(),
  slowAfterSeconds: thresholdSeconds.optional(),
  escalateAfterSeconds: thresholdSeconds.optional(),
});

const watchSchema = z
  .strictObject({
    /** A reconciliation not Ready (or not at its attempted revision) for this long is stuck. Default 300. */
    stuckAfterSeconds: thresholdSeconds.default(300),
    /** Still stuck this long: escalated (Event, alert, notification). Default 1800. */
    escalateAfterSeconds: thresholdSeconds.default(1800),
    /** Reconciling this long is slow; absent: the object's own timeout (spec.timeout). */
    slowAfterSeconds: thresholdSeconds.optional(),
    /** Per kind and namespace thresholds (docs/policy.md). */
    overrides: z.array(watchOverrideSchema).default([]),
    /**
     * Older switch for recovery, kept so existing policies keep their meaning: true = `recovery.mode:
     * enforce`, false = `off`. Absent: `recovery.mode` decides. Both set and disagreeing is an error.
     */
    recover: z.boolean().optional(),
  })
  .prefault({});

const KNOWN_RELEASES_TEXT = knownReleases().map(formatRelease).join(", ");

/** A release the catalogue knows, as `1.NN` (or `v1.NN`, `v1.NN.P`). */
export const kubeVersionSchema = z.string().refine((text) => {
  const release = parseRelease(text);
  return release !== undefined && isKnownRelease(release);
}, { message: `a Kubernetes release the catalogue knows: ${KNOWN_RELEASES_TEXT}` });

const GATE_NAMES_TEXT = Object.keys(FEATURE_GATES).join(", ");

/**
 * Gate name → on/off. Keys are read with Object.keys on the input itself, so a key like
 * `__proto__` is judged (and refused: not a gate) instead of being silently dropped by a record
 * parser; the output holds known gate names only.
 */
const featureGatesSchema = z.unknown().transform((value, ctx): Record<string, boolean> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: "custom", message: "a map of feature gate names to true or false" });
    return z.NEVER;
  }
  const out: Record<string, boolean> = {};
  for (const name of Object.keys(value)) {
    const enabled: unknown = Reflect.get(value, name);
    if (!isGateName(name)) ctx.addIssue({ code: "custom", path: [name], message: `not a feature gate the catalogue's rules depend on (${GATE_NAMES_TEXT})` });
    else if (typeof enabled !== "boolean") ctx.addIssue({ code: "custom", path: [name], message: "true or false" });
    else out[name] = enabled;
  }
  return out;
});

const kubernetesSchema = z
  .strictObject({
    /**
     * The release to judge against when nothing better is known (check without --kube-version;
     * serve without API access or --kube-version). Default: the newest release the catalogue knows.
     */
    version: kubeVersionSchema.optional(),
    /**
     * Feature gates the cluster runs with differently from the release's upstream default (managed
     * clusters differ). Only gates the catalogue's rules depend on are accepted (a typo is an error).
     */
    featureGates: featureGatesSchema.default({}),
  })
  .prefault({});

const riskLevelSchema = z.enum(["low", "medium", "high", "critical"]);
const safeguardSchema = z.enum(["migration-procedure", "backup", "approval", "staged-rollout", "maintenance-window"]);

/** `gitops-guard check`: safeguards required by risk level, and the annotation that declares them done (docs/check.md). */
const checkSchema = z
  .strictObject({
    safeguards: z
      .strictObject({
        required: z.partialRecord(riskLevelSchema, z.array(safeguardSchema)).default({}),
        annotation: z.string().min(1).default("gitops-guard.io/safeguards"),
      })
      .default({ required: {}, annotation: "gitops-guard.io/safeguards" }),
  })
  .default({ safeguards: { required: {}, annotation: "gitops-guard.io/safeguards" } });

/** A `metav1.LabelSelector` requirement: In/NotIn need values, Exists/DoesNotExist take none (as the API server validates it). */
const selectorRequirementSchema = z
  .strictObject({
    key: z.string().min(1).max(317),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
    values: z.array(z.string()).max(256).default([]),
  })
  .refine((r) => (r.operator === "In" || r.operator === "NotIn") === r.values.length > 0, { message: "In and NotIn need values; Exists and DoesNotExist take none" });

/** A label selector on the object's labels (new and live, merged), with the Kubernetes semantics. */
const objectSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string().min(1), z.string()).default({}),
  matchExpressions: z.array(selectorRequirementSchema).max(64).default([]),
});

/**
 * Staged rollout of a policy (docs/policy-rollout.md): with `mode: enforce`, enforce only on
 * requests in these namespaces or on objects these labels select, and decide every other request
 * in audit (recorded, nothing changed). Absent: enforce everywhere.
 */
const rolloutSchema = z
  .strictObject({
    enforceOnly: z
      .strictObject({
        /** Namespaces where the policy is enforced. */
        namespaces: z.array(z.string().min(1)).max(1000).default([]),
        /** Objects whose labels this selects are enforced, in any namespace (cluster-scoped ones too). */
        selector: objectSelectorSchema.optional(),
      })
      .refine((e) => e.namespaces.length > 0 || e.selector !== undefined, { message: "name namespaces, a selector or both (an empty enforceOnly would enforce nowhere)" })
      .optional(),
  })
  .prefault({});

/**
 * The replacement engine (`gitops-guard replace`, and `watch` for marked objects): docs/replace.md.
 * Defaults: DEFAULT_REPLACE_SETTINGS (src/core/replace/replace-settings.ts), where they are justified.
 */
const replaceSchema = z
  .strictObject({
    /** Seconds the new object has to appear and become healthy before everything is rolled back. Default 600. */
    timeoutSeconds: z.number().int().min(30).max(24 * 3600).default(DEFAULT_REPLACE_SETTINGS.timeoutSeconds),
    /** Seconds the old pods keep running after the selector switch, before they are deleted. Default 30. */
    drainSeconds: z.number().int().min(0).max(3600).default(DEFAULT_REPLACE_SETTINGS.drainSeconds),
    /** A Job still running: `leave` (not replaced) or `replace` (stopped and started anew). Default leave. */
    runningJobs: z.enum(["leave", "replace"]).default(DEFAULT_REPLACE_SETTINGS.runningJobs),
    /** `watch` carries out the replacements the webhook marked orphan-recreate. Default true. */
    automatic: z.boolean().default(true),
  })
  .prefault({});

const policyObjectSchema = z.strictObject({
  /** Schema version of this document. */
  apiVersion: z.literal("gitops-guard.io/v1alpha1"),
  kind: z.literal("Policy"),
  /** enforce: act; audit: record what enforce would do, change nothing; off: allow everything. */
  mode: z.enum(["enforce", "audit", "off"]).default("enforce"),
  /** On an internal error: open = allow with a warning (default), closed = deny. */
  failureMode: z.enum(["open", "closed"]).default("open"),
  /** Patch server-assigned values (Service clusterIP, Job selector, PVC volumeName…) back. Default true. */
  restore: z.boolean().default(true),
  exemptions: exemptionsSchema,
  defaults: defaultsSchema,
  /** Per-match overrides; the first matching entry wins. */
  overrides: z.array(overrideSchema).default([]),
  /** Fields policy declares immutable (`declared`) or risky, for any kind. Ids unique, never a built-in id. */
  customRules: z.array(customRuleSchema).default([]).superRefine((rules, ctx) => {
    const builtin = new Set(BUILTIN_RULES.map((r) => r.id));
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (builtin.has(rule.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `${rule.id} is the id of a built-in rule` });
      else if (seen.has(rule.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `${rule.id} is used twice` });
      seen.add(rule.id);
    });
  }),
  deletionProtection: deletionProtectionSchema,
  records: recordsSchema,
  watch: watchSchema,
  /** What `watch` may do about stuck reconciliations (docs/policy-recovery.md). */
  recovery: recoverySchema,
  /** The Kubernetes release and feature gates the catalogue is built for (docs/policy-kubernetes.md). */
  kubernetes: kubernetesSchema,
  check: checkSchema,
  /** Enforce on a subset first, audit elsewhere (docs/policy-rollout.md). */
  rollout: rolloutSchema,
  replace: replaceSchema,
});

/** `watch.recover` and `recovery.mode` say the same thing; both set and disagreeing is refused. */
export const policySchema = policyObjectSchema.superRefine((policy, ctx) => {
  const legacy = policy.watch.recover;
  const mode = policy.recovery.mode;
  if (legacy === undefined || mode === undefined) return;
  if ((mode === "off") === legacy || (mode === "dry-run" && legacy)) {
    ctx.addIssue({ code: "custom", path: ["watch", "recover"], message: `${String(legacy)} contradicts recovery.mode: ${mode}; remove watch.recover (recovery.mode replaces it)` });
  }
});

export type Policy = z.infer<typeof policySchema>;
export type PolicyOverride = z.infer<typeof overrideSchema>;
export type CustomRule = z.infer<typeof customRuleSchema>;
export type KubernetesSettings = z.infer<typeof kubernetesSchema>;
export type PolicyMatch = z.infer<typeof matchSchema>;
export type PolicyRollout = z.infer<typeof rolloutSchema>;
