import { getAt, pathLeadsTo, patternCovers, type PathSegment } from "../../k8s/field-path.ts";
import { isJsonObject, ownValue, semanticEqual, setOwn, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { CelBudgetExceeded, type CelMeter } from "./cel-budget.ts";
import type { CelCompiler, CompiledExpression } from "./cel-compiler.ts";
import { ValueTooDeep } from "./cel-value.ts";
import type { EvaluationCache } from "./evaluation-cache.ts";
import { schemaEqual } from "./schema-equal.ts";
import type { RuleSite } from "./crd-rule-sites.ts";
import { visitsOf, type NodeVisit } from "./crd-rule-sites.ts";

/** Longest message a messageExpression may produce (celconfig.MaxEvaluatedMessageExpressionSizeBytes). */
export const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;

/**
 * Most fields of an object node whose blame is probed: a failing transition rule on an object is
 * evaluated again with each changed field put back, to name the field that breaks it
 * (`spec.region`, not `spec`), so a webhook's restore patch reverts that field only. Real rules
 * pin one to five fields; past 16 changed fields the finding stays on the node.
 */
export const MAX_BLAME_PROBES = 16;

/** The object judged, its previous version (undefined on a create) and, when known, the changed paths. */
export interface JudgedPair {
  readonly next: JsonValue;
  readonly previous: JsonValue | undefined;
  /** Every path where previous and next differ (compareObjects); absent: compare node by node. */
  readonly changedPaths?: readonly (readonly PathSegment[])[];
}

/** What one evaluation of a rule at one node found. */
export type SiteOutcome =
  | { readonly kind: "failed"; readonly path: readonly PathSegment[]; readonly message: string }
  | { readonly kind: "not-evaluated"; readonly path: readonly PathSegment[]; readonly reason: string };

/** A rule site with its compiled rule (and messageExpression), ready to evaluate. */
export interface CompiledSite {
  readonly site: RuleSite;
  readonly program: CompiledExpression;
  readonly messageProgram: CompiledExpression | undefined;
  /** Uses oldSelf: a transition rule (from the compiled AST; from the text when not compiled). */
  readonly transition: boolean;
  /**
   * A transition rule below an atomic or set list without optionalOldSelf: it never sees oldSelf
   * (kube-apiserver refuses such a CRD: "oldSelf cannot be used on the uncorrelatable portion of
   * the schema"); reported as not evaluated wherever its node changes.
   */
  readonly uncorrelatable: boolean;
}

/** kube-apiserver's ruleErrorString: the message when there is one, else the rule. */
function ruleErrorString(site: RuleSite): string {
  return site.rule.message?.trim() || site.rule.rule.trim();
}

function defaultMessage(site: RuleSite): string {
  return site.rule.message?.trim() || `failed rule: ${site.rule.rule.trim()}`;
}

/** `.spec.x`, `.items['a.b']` (relative JSONPath without indexes, as the CRD API allows). */
export function parseRuleFieldPath(fieldPath: string | undefined): PathSegment[] {
  if (!fieldPath) return [];
  const out: PathSegment[] = [];
  for (const m of fieldPath.matchAll(/\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]/g)) out.push(m[1] ?? (m[2] ?? "").replace(/\\(.)/g, "$1"));
  return out;
}

/** Evaluator errors that say "this evaluator could not", not "the object breaks the rule". */
function isEvaluatorLimit(error: unknown): boolean {
  if (error instanceof CelBudgetExceeded || error instanceof ValueTooDeep || error instanceof RangeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "no_such_overload" || code === "no_matching_overload" || (error instanceof Error && /no such overload|no matching overload/i.test(error.message));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

/** The evaluation of one object pair: its budget and what its rules share. */
export interface Evaluation {
  readonly compiler: CelCompiler;
  readonly meter: CelMeter;
  readonly cache: EvaluationCache;
}

function bindings(compiled: CompiledSite, visit: NodeVisit, ev: Evaluation): { self: unknown; oldSelf?: unknown } {
  const root = compiled.site.steps.length === 0;
  const self = ev.cache.celValue(visit.self, compiled.site.node, root);
  if (!compiled.transition) return { self };
  const old = visit.old === undefined ? undefined : ev.cache.celValue(visit.old, compiled.site.node, root);
  return { self, oldSelf: compiled.site.rule.optionalOldSelf ? ev.compiler.optional(old) : old };
}

function messageFrom(compiled: CompiledSite, vars: { self: unknown; oldSelf?: unknown }, ev: Evaluation): string {
  const program = compiled.messageProgram;
  if (!program?.ok) return defaultMessage(compiled.site);
  try {
    const text = program.evaluate(vars, ev.meter);
    if (typeof text !== "string" || ev.meter.spent) return defaultMessage(compiled.site);
    const trimmed = text.trim();
    const fits = trimmed !== "" && !trimmed.includes("\n") && new TextEncoder().encode(trimmed).length <= MAX_MESSAGE_EXPRESSION_BYTES;
    return fits ? trimmed : defaultMessage(compiled.site);
  } catch {
    return defaultMessage(compiled.site);
  }
}

function withFieldRestored(self: JsonObject, old: JsonObject, key: string): JsonObject {
  const copy: JsonObject = {};
  for (const [k, v] of Object.entries(self)) if (k !== key) setOwn(copy, k, v);
  const previous = ownValue(old, key);
  if (previous !== undefined) setOwn(copy, key, previous);
  return copy;
}

/**
 * The changed fields of an object node whose old value alone makes the failing rule pass, or
 * none (the finding then stays on the node): the same program, the same budget.
 */
function blame(compiled: CompiledSite, visit: NodeVisit, ev: Evaluation): PathSegment[][] {
  const { self, old } = visit;
  if (!compiled.transition || compiled.site.rule.fieldPath || !isJsonObject(self) || !isJsonObject(old) || !compiled.program.ok) return [];
  const keys = [...new Set([...Object.keys(self), ...Object.keys(old)])].filter((k) => !semanticEqual(ownValue(self, k), ownValue(old, k)));
  if (keys.length > MAX_BLAME_PROBES) return [];
  const culprits: PathSegment[][] = [];
  for (const key of keys) {
    // The probe is a fresh object: its conversion is cached under it and dropped with it.
    const probe: NodeVisit = { ...visit, self: withFieldRestored(self, old, key) };
    try {
      if (compiled.program.evaluate(bindings(compiled, probe, ev), ev.meter) === true && !ev.meter.spent) culprits.push([...visit.path, key]);
    } catch {
      // A probe that fails to evaluate blames nothing.
    }
  }
  return culprits;
}

function evaluateAt(compiled: CompiledSite, visit: NodeVisit, ev: Evaluation): SiteOutcome[] {
  const { site, program } = compiled;
  if (!program.ok) return [{ kind: "not-evaluated", path: visit.path, reason: program.reason }];
  const failedPath = [...visit.path, ...parseRuleFieldPath(site.rule.fieldPath)];
  ev.meter.startRule();
  let vars: { self: unknown; oldSelf?: unknown };
  let result: unknown;
  try {
    vars = bindings(compiled, visit, ev);
    result = program.evaluate(vars, ev.meter);
  } catch (error) {
    const spent = ev.meter.spent;
    if (spent || isEvaluatorLimit(error)) return [{ kind: "not-evaluated", path: visit.path, reason: messageOf(spent ?? error) }];
    // no such key, index out of bounds, division by zero...: kube-apiserver refuses the object.
    return [{ kind: "failed", path: failedPath, message: `${messageOf(error)} evaluating rule: ${ruleErrorString(site)}` }];
  }
  const spent = ev.meter.spent;
  if (spent) return [{ kind: "not-evaluated", path: visit.path, reason: spent.message }];
  if (result === true) return [];
  if (result !== false) return [{ kind: "not-evaluated", path: visit.path, reason: "the rule does not evaluate to a bool" }];
  const message = messageFrom(compiled, vars, ev);
  const culprits = blame(compiled, visit, ev);
  return (culprits.length > 0 ? culprits : [failedPath]).map((path) => ({ kind: "failed", path, message }));
}

/**
 * The outcomes of one rule on an object (with its previous version on an update), evaluated where
 * kube-apiserver evaluates it: at every node of the rule's schema node present and not null;
 * a transition rule only where the node correlates with an old value (object fields and map
 * values by key, items of map-type lists by their keys; never items of atomic or set lists),
 * unless the rule sets optionalOldSelf; no rule where the node is unchanged (ratcheting:
 * kube-apiserver turns the failure of a rule without oldSelf into a warning there).
 */
/** The nodes the rule is judged at: only those a change touches (none when no change does). */
function visitsFor(compiled: CompiledSite, pair: JudgedPair, ev: Evaluation): NodeVisit[] {
  const { next, previous } = pair;
  const pattern = compiled.site.pattern;
  // The changes at, below or above the rule's node pattern; none: every node is unchanged.
  const relevant = pair.changedPaths?.filter((p) => patternCovers(pattern, p) || pathLeadsTo(p, pattern));
  if (relevant?.length === 0 && previous !== undefined) return [];
  const touched = relevant ? (path: readonly PathSegment[]): boolean => relevant.some((p) => pathLeadsTo(p, path) || pathLeadsTo(path, p)) : () => true;
  const changedBelow = (path: readonly PathSegment[]): boolean =>
    relevant !== undefined && !path.some((s) => typeof s === "number") && relevant.some((p) => pathLeadsTo(path, p));
  return ev.cache.visits(compiled.site.steps, () => visitsOf(compiled.site.steps, next, previous, { equal: ev.cache.equal, touched, changedBelow }));
}

/** A rule that cannot be evaluated is reported where it would run and its node changes. */
function notEvaluatedAt(compiled: CompiledSite, visit: NodeVisit, pair: JudgedPair): boolean {
  // An uncorrelatable transition rule would run on an update, had it an old value; never on a create.
  const wouldRun = !compiled.transition || compiled.site.rule.optionalOldSelf === true || visit.old !== undefined || (compiled.uncorrelatable && pair.previous !== undefined);
  return wouldRun && !visit.unchanged;
}

/** Does kube-apiserver judge the rule at this node (and does it matter)? */
function judgedAt(compiled: CompiledSite, visit: NodeVisit, cache: EvaluationCache): boolean {
  // An unchanged node is not judged: kube-apiserver ratchets a rule without oldSelf there, and
  // a transition rule that an unchanged value breaks (`self > oldSelf`) would refuse every
  // update of the object, which no CRD means. Most nodes of an update are unchanged.
  if (visit.unchanged) return false;
  if (!compiled.transition) return true;
  if (visit.old === undefined) return compiled.site.rule.optionalOldSelf === true;
  // Equal but for the order of set or map lists: `self == oldSelf` holds in kube-apiserver's
  // equality, so a transition rule sees no change. (Its ratcheting of rules without oldSelf
  // compares such lists in order: those are judged.)
  const old = visit.old;
  return !cache.schemaEqual(visit, () => schemaEqual(old, visit.self, compiled.site.node));
}

export function evaluateSite(compiled: CompiledSite, pair: JudgedPair, ev: Evaluation): SiteOutcome[] {
  const out: SiteOutcome[] = [];
  for (const visit of visitsFor(compiled, pair, ev)) {
    if (!compiled.program.ok) {
      if (notEvaluatedAt(compiled, visit, pair)) out.push({ kind: "not-evaluated", path: visit.path, reason: compiled.program.reason });
    } else if (judgedAt(compiled, visit, ev.cache)) {
      out.push(...evaluateAt(compiled, visit, ev));
    }
  }
  return out;
}

/** The value at `path` on both sides (for the finding's from → to). */
export function valuesAt(path: readonly PathSegment[], next: JsonValue, previous: JsonValue | undefined): { from: JsonValue | undefined; to: JsonValue | undefined } {
  return { from: getAt(previous, path), to: getAt(next, path) };
}
