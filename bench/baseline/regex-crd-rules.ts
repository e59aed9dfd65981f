import { z } from "zod";
import { getAt, formatFieldPath, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, ownValue, semanticEqual, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { versionOf } from "../../src/core/k8s/kube-object.ts";
import type { Rule, RuleInput, Violation } from "../../src/core/rules/rule.ts";

/**
 * The regex subset that recognised CRD transition rules before ADR 0006 (src/core/crd/
 * transition-rule.ts, expand-path.ts and declared-rules-from-crd.ts at commit 390b0a0), kept
 * here, unchanged but for imports, only so that bench/crd-rules.ts can time it beside the CEL
 * evaluator in the same run. Nothing in src/ uses it.
 */
export type TransitionForm =
  /** On field F: `self == oldSelf` — F may not change while present on both sides. */
  | { readonly form: "frozen-self" }
  /** On object P: `self.x == oldSelf.x` — child x may not change (present or not). */
  | { readonly form: "frozen-child"; readonly child: string }
  /** On object P: `!has(oldSelf.x) || self.x == oldSelf.x` — x may be set once, then never changed or removed. */
  | { readonly form: "set-once-child"; readonly child: string }
  /** On object P: `has(self.x) == has(oldSelf.x)` — x may be neither added nor removed. */
  | { readonly form: "presence-frozen-child"; readonly child: string }
  /** On object P: `!has(oldSelf.x) || has(self.x)` — x may not be removed once set. */
  | { readonly form: "required-once-set-child"; readonly child: string };

const IDENT = "([A-Za-z_][A-Za-z0-9_]*)";

const same = (m: RegExpMatchArray, ...groups: number[]): boolean => groups.every((g) => m[g] === m[1]);

const FORMS: readonly [RegExp, (m: RegExpMatchArray) => TransitionForm | undefined][] = [
  [/^\(?self==oldSelf\)?$/, () => ({ form: "frozen-self" })],
  [/^\(?oldSelf==self\)?$/, () => ({ form: "frozen-self" })],
  // optionalOldSelf: true variants.
  [/^!oldSelf\.hasValue\(\)\|\|self==oldSelf\.value\(\)$/, () => ({ form: "frozen-self" })],
  [/^oldSelf\.hasValue\(\)\?self==oldSelf\.value\(\):true$/, () => ({ form: "frozen-self" })],
  [new RegExp(`^self\\.${IDENT}==oldSelf\\.${IDENT}$`), (m) => (same(m, 2) ? { form: "frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^oldSelf\\.${IDENT}==self\\.${IDENT}$`), (m) => (same(m, 2) ? { form: "frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|self\\.${IDENT}==oldSelf\\.${IDENT}$`), (m) => (same(m, 2, 3) ? { form: "set-once-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|\\(has\\(self\\.${IDENT}\\)&&self\\.${IDENT}==oldSelf\\.${IDENT}\\)$`), (m) => (same(m, 2, 3, 4) ? { form: "set-once-child", child: m[1]! } : undefined)],
  [new RegExp(`^has\\(self\\.${IDENT}\\)==has\\(oldSelf\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "presence-frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^has\\(oldSelf\\.${IDENT}\\)==has\\(self\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "presence-frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|has\\(self\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "required-once-set-child", child: m[1]! } : undefined)],
];

/** Splits on top-level `&&` (not inside parentheses). */
function conjuncts(rule: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "&" && rule[i + 1] === "&" && depth === 0) {
      parts.push(rule.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(rule.slice(start));
  return parts;
}

/** The immutability forms a CEL rule expresses; empty when it is not an immutability rule. */
export function parseTransitionRule(rule: string): TransitionForm[] {
  const compact = rule.replace(/\s+/g, "");
  if (!compact.includes("oldSelf")) return [];
  const forms: TransitionForm[] = [];
  for (const part of conjuncts(compact)) {
    for (const [re, build] of FORMS) {
      const match = part.match(re);
      const form = match ? build(match) : undefined;
      if (form) {
        forms.push(form);
        break;
      }
    }
  }
  return forms;
}

type Reached = { path: PathSegment[]; value: JsonValue | undefined };

function step(path: PathSegment[], value: JsonValue | undefined, segment: PathSegment, last: boolean): Reached[] {
  if (segment === "*") {
    if (Array.isArray(value)) return value.map((item, index) => ({ path: [...path, index], value: item }));
    if (isJsonObject(value)) return Object.entries(value).map(([key, item]) => ({ path: [...path, key], value: item }));
    return [];
  }
  if (isJsonObject(value) && typeof segment === "string" && (last || Object.hasOwn(value, segment))) {
    return [{ path: [...path, segment], value: ownValue(value, segment) }];
  }
  return [];
}

/**
 * The concrete paths a pattern (with "*" for any array index or map key) reaches in `root`.
 * `["spec","listeners","*","port"]` → `[["spec","listeners",0,"port"], ...]` for the items that
 * have the parent; the last step need not exist (presence rules ask about it).
 */
export function expandPath(root: JsonValue | undefined, pattern: readonly PathSegment[]): PathSegment[][] {
  let frontier: Reached[] = [{ path: [], value: root }];
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i]!;
    const last = i === pattern.length - 1;
    frontier = frontier.flatMap(({ path, value }) => step(path, value, segment, last));
  }
  return frontier.map((f) => f.path);
}

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
            // Any JSON: the schema is walked structurally below.
            schema: z.object({ openAPIV3Schema: z.custom<JsonValue>(() => true).optional() }).loose().nullish(),
          }).loose(),
        ),
      })
      .loose(),
  })
  .loose();

/** Message when the CRD gives none (the API server's default for a failed rule names the rule). */
const DEFAULT_MESSAGE = "the CRD declares this field immutable";

interface Located {
  readonly path: PathSegment[];
  readonly form: TransitionForm;
  readonly message: string;
  readonly ruleText: string;
}

function validationsOf(node: JsonObject): { rule: string; message: string }[] {
  const list = node["x-kubernetes-validations"];
  if (!Array.isArray(list)) return [];
  return list.filter(isJsonObject).flatMap((v) =>
    typeof v["rule"] === "string" ? [{ rule: v["rule"], message: typeof v["message"] === "string" ? v["message"] : DEFAULT_MESSAGE }] : [],
  );
}

/** Walks an OpenAPI v3 schema: properties → key, items → "*", additionalProperties → "*". */
function walkSchema(node: JsonValue | undefined, path: PathSegment[], out: Located[]): void {
  if (!isJsonObject(node)) return;
  for (const { rule, message } of validationsOf(node)) {
    for (const form of parseTransitionRule(rule)) out.push({ path, form, message, ruleText: rule });
  }
  const properties = node["properties"];
  if (isJsonObject(properties)) for (const [key, child] of Object.entries(properties)) walkSchema(child, [...path, key], out);
  walkSchema(node["items"], [...path, "*"], out);
  if (isJsonObject(node["additionalProperties"])) walkSchema(node["additionalProperties"], [...path, "*"], out);
}

/** Violations of one located form, evaluated where the API server evaluates transition rules. */
function violationsOf(located: Located, input: RuleInput): Violation[] {
  const out: Violation[] = [];
  for (const nodePath of expandPath(input.new, located.path)) {
    const oldNode = getAt(input.old, nodePath);
    const newNode = getAt(input.new, nodePath);
    // Transition rules run only when the node exists on both sides.
    if (oldNode === undefined || newNode === undefined) continue;
    const { form } = located;
    if (form.form === "frozen-self") {
      if (!semanticEqual(oldNode, newNode)) out.push({ path: nodePath, from: oldNode, to: newNode });
      continue;
    }
    const childPath = [...nodePath, form.child];
    const from = getAt(input.old, childPath);
    const to = getAt(input.new, childPath);
    const broken =
      (form.form === "frozen-child" && !semanticEqual(from, to)) ||
      (form.form === "set-once-child" && from !== undefined && !semanticEqual(from, to)) ||
      (form.form === "presence-frozen-child" && (from === undefined) !== (to === undefined)) ||
      (form.form === "required-once-set-child" && from !== undefined && to === undefined);
    if (broken) out.push({ path: childPath, from, to });
  }
  return out;
}

function ruleFor(group: string, kind: string, version: string, located: Located, index: number): Rule {
  const target = located.form.form === "frozen-self" ? located.path : [...located.path, located.form.child];
  const display = formatFieldPath(target);
  return {
    id: `crd.${group}.${kind}.${version}.${display || "root"}#${index}`,
    group,
    kind,
    path: display,
    class: "declared",
    check: { type: "custom", evaluate: (input) => violationsOf(located, input) },
    when: (input) => typeof input.new["apiVersion"] === "string" && versionOf(input.new["apiVersion"]) === version,
    why: located.message,
    apiError: `${display}: Invalid value: "object": ${located.message}`,
    source: `CRD x-kubernetes-validations rule: ${located.ruleText}`,
  };
}

/** Result of reading one CRD: its declared rules, or why it could not be read. */
export type DeclaredRulesResult = { readonly ok: true; readonly rules: readonly Rule[] } | { readonly ok: false; readonly error: string };

/**
 * `x-kubernetes-validations` transition rules that pin fields to their old values become
 * `declared` rules for that CRD's group, kind, version and path, carrying the CRD's own message.
 */
export function regexDeclaredRulesFromCrd(crd: JsonValue): DeclaredRulesResult {
  const parsed = crdSchema.safeParse(crd);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const { group, names, versions } = parsed.data.spec;
  const rules: Rule[] = [];
  for (const version of versions) {
    const located: Located[] = [];
    walkSchema(version.schema?.openAPIV3Schema, [], located);
    located.forEach((l, i) => rules.push(ruleFor(group, names.kind, version.name, l, i)));
  }
  return { ok: true, rules };
}
