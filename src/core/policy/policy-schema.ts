import { z } from "zod";
import { OWNING_TOOLS } from "../owner/detect-owner.ts";
import { BUILTIN_RULES } from "../rules/catalogue/builtin-rules.ts";

/**
 * The policy: one YAML document (file or ConfigMap key `policy.yaml`), validated once at the edge.
 * Every key is documented in the README's policy reference; test/core/policy checks that the README
 * names every key of this schema. Defaults here are the embedded default policy's values.
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
  .default({ kinds: [], namespaces: [], labels: {}, owners: [] });

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
  .default({ namespaces: [], users: [], groups: [], kinds: [] });

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
  .default({ owned: "mark", markOwners: ["flux"], unowned: "deny", strategy: "recreate" });

const deletionProtectionSchema = z
  .strictObject({
    /** Kinds whose DELETE is denied unless the object carries `<annotation>: "false"`. */
    kinds: z.array(kindRef).default([]),
    /** Objects carrying this annotation with value "true" are protected whatever their kind. */
    annotation: z.string().min(1).default("gitops-guard.io/protect"),
  })
  .default({ kinds: [], annotation: "gitops-guard.io/protect" });

const recordsSchema = z
  .strictObject({
    /** Longest finding value (from/to) kept in a record, in bytes of JSON; longer values are truncated. */
    valueMaxBytes: z.number().int().min(16).max(65536).default(256),
    /** Record dry-run decisions too. Default true (Flux dry-runs every object first). */
    dryRun: z.boolean().default(true),
  })
  .default({ valueMaxBytes: 256, dryRun: true });

const watchSchema = z
  .strictObject({
    /** A reconciliation not Ready (or not at its attempted revision) for this long is stuck. Default 300. */
    stuckAfterSeconds: z.number().int().min(30).default(300),
    /** Recover stuck reconciliations automatically (mark, reconcile, reset). Default false: alert only. */
    recover: z.boolean().default(false),
  })
  .default({ stuckAfterSeconds: 300, recover: false });

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

export const policySchema = z.strictObject({
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
  check: checkSchema,
});

export type Policy = z.infer<typeof policySchema>;
export type PolicyOverride = z.infer<typeof overrideSchema>;
export type CustomRule = z.infer<typeof customRuleSchema>;
export type PolicyMatch = z.infer<typeof matchSchema>;
