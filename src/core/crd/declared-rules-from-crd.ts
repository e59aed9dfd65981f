import { z } from "zod";
import { formatFieldPath } from "../k8s/field-path.ts";
import type { JsonObject, JsonValue } from "../k8s/json.ts";
import { versionOf } from "../k8s/kube-object.ts";
import type { Rule, RuleInput, Violation } from "../rules/rule.ts";
import { CelMeter, DEFAULT_CEL_LIMITS, type CelLimits } from "./cel/cel-budget.ts";
import { createCelCompiler, type CelCompiler, type CompiledExpression } from "./cel/cel-compiler.ts";
import { readSchemaNode, SchemaTooDeep, type ValidationRule } from "./cel/crd-schema-node.ts";
import { invalidValidationsOf, ruleSitesOf, type RuleSite } from "./cel/crd-rule-sites.ts";
import { evaluateSite, valuesAt, type CompiledSite, type Evaluation, type JudgedPair } from "./cel/evaluate-rule-site.ts";
import { createEvaluationCache } from "./cel/evaluation-cache.ts";

/** The part of a CustomResourceDefinition this module reads (the rest is ignored). */
const crdSchema = z
  .object({
    // Items of a list response carry no apiVersion/kind (kube-apiserver omits TypeMeta in typed lists).
    apiVersion: z.string().optional(),
    kind: z.literal("CustomResourceDefinition").optional(),
    metadata: z.object({ name: z.string().optional() }).loose().optional(),
    spec: z
      .object({
        group: z.string().min(1),
        names: z.object({ kind: z.string().min(1) }).loose(),
        versions: z.array(
          z.object({
            name: z.string().min(1),
            // Any JSON: the schema is walked structurally (crd-schema-node.ts).
            schema: z.object({ openAPIV3Schema: z.custom<JsonValue>(() => true).optional() }).loose().nullish(),
          }).loose(),
        ),
      })
      .loose(),
  })
  .loose();

/**
 * Which rules become declared rules:
 * - `transition` (serve): the rules that read `oldSelf`. kube-apiserver refuses an object that
 *   breaks any rule by itself, after the mutating webhooks; what the webhook adds for a transition
 *   rule is the replace strategy (mark, recreate) for a change the CRD forbids.
 * - `all` (check): every rule, so a pull request learns before the merge that the API server will
 *   refuse an object (a rule without oldSelf is judged only where its node changed: ratcheting).
 */
export type CrdRuleScope = "transition" | "all";

export interface CrdRuleOptions {
  readonly scope?: CrdRuleScope;
  /** Shared compiler (its program cache outlives one CRD); default: a new one. */
  readonly compiler?: CelCompiler;
  /** A monotonic clock in ms for the time caps (src/core reads none); default: step caps only. */
  readonly now?: () => number;
  readonly limits?: CelLimits;
}

/** Result of reading one CRD: its declared rules, or why it could not be read. */
export type DeclaredRulesResult = { readonly ok: true; readonly rules: readonly Rule[] } | { readonly ok: false; readonly error: string };

const mentionsOldSelf = (rule: string): boolean => /\boldSelf\b/.test(rule);

const UNCORRELATABLE: CompiledExpression = {
  ok: false,
  reason: "a transition rule below a list that is not x-kubernetes-list-type: map never sees oldSelf (kube-apiserver refuses such a CRD unless the rule sets optionalOldSelf)",
};

function compileSite(site: RuleSite, compiler: CelCompiler): CompiledSite {
  const optional = site.rule.optionalOldSelf === true;
  const program = compiler.compile(site.rule.rule, optional);
  const transition = program.ok ? program.usesOldSelf : mentionsOldSelf(site.rule.rule);
  const uncorrelatable = transition && !optional && site.steps.some((s) => s.kind === "item" && s.mapKeys === undefined);
  const messageProgram = site.rule.messageExpression ? compiler.compile(site.rule.messageExpression, optional) : undefined;
  return { site, program: uncorrelatable ? UNCORRELATABLE : program, messageProgram, transition, uncorrelatable };
}

/** The field error kube-apiserver returns, by the rule's `reason` (validation.go fieldErrorForReason). */
function apiErrorOf(display: string, rule: ValidationRule, message: string): string {
  switch (rule.reason) {
    case "FieldValueForbidden":
      return `${display}: Forbidden: ${message}`;
    case "FieldValueRequired":
      return `${display}: Required value: ${message}`;
    case "FieldValueDuplicate":
      return `${display}: Duplicate value`;
    default:
      return `${display}: Invalid value: "object": ${message}`;
  }
}

interface RuleContext {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly evaluationOf: (input: RuleInput) => Evaluation;
  readonly creationOf: (object: JsonObject) => Evaluation;
  readonly scope: CrdRuleScope;
}

function violationsOf(compiled: CompiledSite, pair: JudgedPair, ev: Evaluation): Violation[] {
  const outcomes = evaluateSite(compiled, pair, ev);
  return outcomes.map((o) => {
    const values = valuesAt(o.path, pair.next, pair.previous);
    if (o.kind === "failed") return { path: o.path, ...values, detail: o.message };
    return { path: o.path, ...values, severity: "info", detail: `x-kubernetes-validations rule not evaluated (${o.reason}); the API server still judges it: ${compiled.site.rule.rule}` };
  });
}

function ruleFor(compiled: CompiledSite, ctx: RuleContext): Rule {
  const { site } = compiled;
  const display = formatFieldPath(site.pattern);
  const message = site.rule.message?.trim() || `failed rule: ${site.rule.rule.trim()}`;
  const target = formatFieldPath([...site.pattern]) || "root";
  return {
    id: `crd.${ctx.group}.${ctx.kind}.${ctx.version}.${target}#${site.index}`,
    group: ctx.group,
    kind: ctx.kind,
    path: display,
    class: "declared",
    check: {
      type: "custom",
      evaluate: (input) => violationsOf(compiled, { next: input.new, previous: input.old, changedPaths: input.changes.map((c) => c.path) }, ctx.evaluationOf(input)),
    },
    // check judges created objects too (kube-apiserver applies every rule on CREATE; a transition
    // rule only with optionalOldSelf). The rules of a CRD share one budget per created object.
    ...(ctx.scope === "all" ? { create: (object: JsonObject) => violationsOf(compiled, { next: object, previous: undefined }, ctx.creationOf(object)) } : {}),
    when: (input) => typeof input.new["apiVersion"] === "string" && versionOf(input.new["apiVersion"]) === ctx.version,
    why: message,
    apiError: apiErrorOf(display || "<root>", site.rule, message),
    source: `CRD x-kubernetes-validations rule: ${site.rule.rule}`,
    // A broken rule without oldSelf is fixed in the manifest, not by recreating the object.
    ...(compiled.transition ? {} : { strategy: "revert" as const }),
  };
}

/**
 * The `x-kubernetes-validations` rules of a CRD as `declared` rules for its group, kind, version
 * and schema path, each evaluated with a CEL evaluator at its schema node (ADR 0006). A rule the
 * evaluator cannot evaluate (a function it lacks, a spent budget) gives an info finding where its
 * node changes, never silence.
 */
export function declaredRulesFromCrd(crd: JsonValue, options: CrdRuleOptions = {}): DeclaredRulesResult {
  const parsed = crdSchema.safeParse(crd);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const { group, names, versions } = parsed.data.spec;
  const compiler = options.compiler ?? createCelCompiler();
  const limits = options.limits ?? DEFAULT_CEL_LIMITS;
  // One budget and cache per object judged (findFindings builds one RuleInput per object pair).
  const evaluations = new WeakMap<RuleInput, Evaluation>();
  const creations = new WeakMap<JsonObject, Evaluation>();
  const fresh = (): Evaluation => ({ compiler, meter: new CelMeter(limits, options.now), cache: createEvaluationCache() });
  const creationOf = (object: JsonObject): Evaluation => {
    let evaluation = creations.get(object);
    if (!evaluation) creations.set(object, (evaluation = fresh()));
    return evaluation;
  };
  const evaluationOf = (input: RuleInput): Evaluation => {
    let evaluation = evaluations.get(input);
    if (!evaluation) evaluations.set(input, (evaluation = fresh()));
    return evaluation;
  };
  const rules: Rule[] = [];
  for (const version of versions) {
    let sites: RuleSite[];
    try {
      const root = readSchemaNode(version.schema?.openAPIV3Schema);
      // kube-apiserver refuses such a CRD; its rules are not guessed at (the CRD is reported).
      const invalid = invalidValidationsOf(root);
      if (invalid > 0) return { ok: false, error: `spec.versions[${version.name}].schema: ${invalid} x-kubernetes-validations entr${invalid === 1 ? "y is" : "ies are"} not a rule (a string \`rule\`, optional message, messageExpression, reason, fieldPath, optionalOldSelf)` };
      sites = ruleSitesOf(root);
    } catch (error) {
      if (error instanceof SchemaTooDeep) return { ok: false, error: `spec.versions[${version.name}].schema: ${error.message}` };
      throw error;
    }
    const ctx: RuleContext = { group, kind: names.kind, version: version.name, evaluationOf, creationOf, scope: options.scope ?? "transition" };
    for (const site of sites) {
      const compiled = compileSite(site, compiler);
      if (options.scope !== "all" && !compiled.transition) continue;
      rules.push(ruleFor(compiled, ctx));
    }
  }
  return { ok: true, rules };
}
