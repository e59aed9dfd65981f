import type { MeterSlot } from "./kubernetes-cel-library.ts";

/**
 * The parts of @marcbachmann/cel-js's AST node this module relies on (lib/parser.js `ASTNode`,
 * pinned at 8.0.0 in package.json): `op`, `args`, `meta.{evaluate,alternate,macro}` and the
 * writable `evaluate` method through which the evaluator runs every node (`ev.run(node, ctx)`).
 * The library has no cost hook, so the step meter is wrapped around each node's `evaluate`;
 * test/core/crd/cel/cel-budget.test.ts fails if an upgrade bypasses it.
 */
type Evaluate = (ev: unknown, ast: unknown, ctx: unknown) => unknown;

interface AstNodeLike {
  op: string;
  args: unknown;
  evaluate: Evaluate;
  readonly meta: { readonly evaluate: Evaluate; readonly alternate?: AstNodeLike; readonly macro?: { readonly evaluate: Evaluate; readonly [field: string]: unknown } };
}

function isAstNode(value: unknown): value is AstNodeLike {
  return typeof value === "object" && value !== null && typeof (value as { op?: unknown }).op === "string" && typeof (value as { meta?: unknown }).meta === "object";
}

/** `matches` resolves to the evaluator's backtracking RegExp; renamed to the RE2 implementation. */
function renameMatches(node: AstNodeLike): void {
  if ((node.op === "rcall" || node.op === "call") && Array.isArray(node.args) && node.args[0] === "matches") node.args[0] = "k8sMatches";
}

function meteredEvaluate(node: AstNodeLike, slot: MeterSlot): Evaluate {
  const { meta } = node;
  // Read at call time: the type checker adds alternates (a type name resolved to its value).
  return (ev, ast, ctx) => {
    slot.current?.charge(1);
    const alternate = meta.alternate;
    if (alternate) return alternate.evaluate(ev, alternate, ctx);
    const macro = meta.macro;
    if (macro) return macro.evaluate(ev, macro, ctx);
    return meta.evaluate(ev, ast, ctx);
  };
}

function children(node: AstNodeLike): unknown[] {
  const out: unknown[] = [];
  const { args, meta } = node;
  if (isAstNode(args)) out.push(args);
  else if (Array.isArray(args)) out.push(...args.flat(2));
  else if (typeof args === "object" && args !== null) out.push(...Object.values(args));
  if (meta.alternate) out.push(meta.alternate);
  // Macros such as has() and orValue() keep their operands on the macro (`receiver`, `arg`).
  if (meta.macro) out.push(...Object.values(meta.macro));
  return out;
}

/**
 * Wraps every node of a parsed expression (macro expansions included) so that evaluating it
 * charges one step to the meter in `slot`, and routes `matches` to RE2. Iterative (the parser
 * already bounds depth, but this walk must not be the thing that overflows).
 */
export function astNodes(root: unknown): AstNodeLike[] {
  const seen = new Set<AstNodeLike>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!isAstNode(value) || seen.has(value)) continue;
    seen.add(value);
    stack.push(...children(value));
  }
  return [...seen];
}

/** Does the expression name the variable `name` (kube-apiserver: compilation.go UsesOldSelf)? */
export function mentionsVariable(root: unknown, name: string): boolean {
  return astNodes(root).some((node) => node.op === "id" && node.args === name);
}

export function routeMatchesToRe2(root: unknown): void {
  for (const node of astNodes(root)) renameMatches(node);
}

/**
 * Wraps every node of a parsed expression (macro expansions included) so that evaluating it
 * charges one step to the meter in `slot`. Run after type checking (which adds nodes). The walks
 * are iterative: the parser already bounds depth, but they must not be what overflows.
 */
export function instrumentAst(root: unknown, slot: MeterSlot): void {
  for (const node of astNodes(root)) node.evaluate = meteredEvaluate(node, slot);
}
