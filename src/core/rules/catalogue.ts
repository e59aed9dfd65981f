import { parsePathPattern, type PathSegment } from "../k8s/field-path.ts";
import { pathScope, type PathScope } from "../compare/path-scope.ts";
import type { CompiledRule, Rule } from "./rule.ts";

/** Rules indexed by API group and kind, paths parsed once. Built by the caller, never global. */
export interface Catalogue {
  /** Rules for one group/kind, wildcard rules (`*`) included. */
  rulesFor(group: string, kind: string): readonly CompiledRule[];
  /** What find compares for one group/kind: every path its rules watch (root and reads). */
  scopeFor(group: string, kind: string): PathScope;
  /** The kind's rules' pointer-to-struct fields, as whole-object path patterns (Rule.pointerStructs). */
  pointerStructsFor(group: string, kind: string): readonly (readonly PathSegment[])[];
  /** Every rule, in catalogue order. */
  readonly all: readonly CompiledRule[];
}

export function compileRule(rule: Rule): CompiledRule {
  const root = parsePathPattern(rule.path);
  return {
    ...rule,
    root,
    watched: [root, ...(rule.reads ?? []).map(parsePathPattern)],
  };
}

interface KindEntry {
  readonly rules: readonly CompiledRule[];
  readonly scope: PathScope;
  readonly pointerStructs: readonly (readonly PathSegment[])[];
}

export function createCatalogue(rules: readonly Rule[]): Catalogue {
  const compiled = rules.map(compileRule);
  const ids = new Set<string>();
  for (const rule of compiled) {
    if (ids.has(rule.id)) throw new Error(`duplicate rule id ${rule.id}`);
    ids.add(rule.id);
  }
  const byKind = new Map<string, CompiledRule[]>();
  const wildcard = compiled.filter((r) => r.group === "*" || r.kind === "*");
  for (const rule of compiled) {
    if (rule.group === "*" || rule.kind === "*") continue;
    const key = `${rule.group}/${rule.kind}`;
    const list = byKind.get(key) ?? [];
    list.push(rule);
    byKind.set(key, list);
  }
  const cache = new Map<string, KindEntry>();
  const entryFor = (group: string, kind: string): KindEntry => {
    const key = `${group}/${kind}`;
    let found = cache.get(key);
    if (!found) {
      const matchingWildcards = wildcard.filter(
        (r) => (r.group === "*" || r.group === group) && (r.kind === "*" || r.kind === kind),
      );
      const rules = [...matchingWildcards, ...(byKind.get(key) ?? [])];
      const pointerStructs = rules.flatMap((r) => (r.pointerStructs ?? []).map((p) => [...r.root, ...p]));
      found = { rules, scope: pathScope(rules.flatMap((r) => r.watched)), pointerStructs };
      cache.set(key, found);
    }
    return found;
  };
  return {
    all: compiled,
    rulesFor: (group, kind) => entryFor(group, kind).rules,
    scopeFor: (group, kind) => entryFor(group, kind).scope,
    pointerStructsFor: (group, kind) => entryFor(group, kind).pointerStructs,
  };
}
