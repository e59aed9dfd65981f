import { Environment, Optional } from "@marcbachmann/cel-js";
import type { CelMeter } from "./cel-budget.ts";
import { instrumentAst, mentionsVariable, routeMatchesToRe2 } from "./instrument-ast.ts";
import { registerKubernetesLibrary, type MeterSlot } from "./kubernetes-cel-library.ts";
import { createRegexCache } from "./regex-cache.ts";

/**
 * Parse limits. cel-go (and so kube-apiserver) stops parsing at 250 levels of recursion and
 * 100,000 code points; the evaluator's defaults are the same depth and 100,000 nodes. Rules
 * longer than MAX_RULE_LENGTH are not compiled: the longest rules of real CRDs (Gateway API,
 * Cluster API) are under 2,000 characters.
 */
export const MAX_RULE_LENGTH = 16_384;
const PARSE_LIMITS = { maxAstNodes: 10_000, maxDepth: 250, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 32 };

/**
 * Compiled programs kept by expression text (and whether `oldSelf` is optional). The CRD watch
 * rebuilds rules on every CRD event and the decision thread on every change: a rule text seen
 * before is not parsed again, whatever CRD or generation it comes from. Bounded: the oldest
 * entry leaves first (4,096 rules is several times what a cluster with every popular operator
 * declares: Gateway API v1.2 has about 150).
 */
export const MAX_CACHED_PROGRAMS = 4_096;

export interface CelBindings {
  readonly self: unknown;
  /** Absent: not bound (a rule without oldSelf). For optionalOldSelf rules an Optional. */
  readonly oldSelf?: unknown;
}

/** A compiled expression, or why it cannot be evaluated here. */
export type CompiledExpression =
  | { readonly ok: true; readonly usesOldSelf: boolean; readonly evaluate: (bindings: CelBindings, meter: CelMeter) => unknown }
  | { readonly ok: false; readonly reason: string };

export interface CelCompiler {
  compile(expression: string, optionalOldSelf: boolean): CompiledExpression;
  /** `oldSelf` for an optionalOldSelf rule: optional.of(value) or optional.none(). */
  optional(value: unknown): unknown;
}

function environment(optionalOldSelf: boolean, slot: MeterSlot, regex: ReturnType<typeof createRegexCache>): Environment {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false, limits: PARSE_LIMITS })
    .registerVariable("self", "dyn")
    .registerVariable("oldSelf", optionalOldSelf ? "optional<dyn>" : "dyn");
  registerKubernetesLibrary(env, slot, regex);
  return env;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

/** One compiler per process part that reads CRDs (check run, CRD watch, decision thread). */
export function createCelCompiler(): CelCompiler {
  const slot: MeterSlot = { current: undefined };
  const regex = createRegexCache();
  const envs = { plain: environment(false, slot, regex), optional: environment(true, slot, regex) };
  const cache = new Map<string, CompiledExpression>();

  const build = (expression: string, optionalOldSelf: boolean): CompiledExpression => {
    if (expression.length > MAX_RULE_LENGTH) return { ok: false, reason: `the rule is longer than ${MAX_RULE_LENGTH} characters` };
    const env = optionalOldSelf ? envs.optional : envs.plain;
    let program: ReturnType<Environment["parse"]>;
    try {
      program = env.parse(expression);
    } catch (error) {
      return { ok: false, reason: `not parsed: ${messageOf(error)}` };
    }
    routeMatchesToRe2(program.ast);
    const checked = program.check();
    if (!checked.valid) return { ok: false, reason: `uses what this evaluator does not support: ${messageOf(checked.error)}` };
    instrumentAst(program.ast, slot);
    return {
      ok: true,
      usesOldSelf: mentionsVariable(program.ast, "oldSelf"),
      evaluate: (bindings, meter) => {
        slot.current = meter;
        try {
          return program(bindings.oldSelf === undefined ? { self: bindings.self } : { self: bindings.self, oldSelf: bindings.oldSelf });
        } finally {
          slot.current = undefined;
        }
      },
    };
  };

  return {
    compile(expression, optionalOldSelf) {
      const key = `${optionalOldSelf ? "o" : "p"}:${expression}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const compiled = build(expression, optionalOldSelf);
      if (cache.size >= MAX_CACHED_PROGRAMS) cache.delete(cache.keys().next().value!);
      cache.set(key, compiled);
      return compiled;
    },
    optional: (value) => (value === undefined ? Optional.none() : Optional.of(value)),
  };
}
