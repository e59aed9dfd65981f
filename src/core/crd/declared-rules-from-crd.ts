import { z } from "zod";
import { getAt, formatFieldPath, type PathSegment } from "../k8s/field-path.ts";
import { isJsonObject, semanticEqual, type JsonObject, type JsonValue } from "../k8s/json.ts";
import { versionOf } from "../k8s/kube-object.ts";
import type { Rule, RuleInput, Violation } from "../rules/rule.ts";
import { expandPath } from "./expand-path.ts";
import { parseTransitionRule, type TransitionForm } from "./transition-rule.ts";

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
export function declaredRulesFromCrd(crd: JsonValue): DeclaredRulesResult {
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
