import { parsePathPattern, type PathSegment } from "../k8s/field-path.ts";
import { pathScope, type PathScope } from "../compare/path-scope.ts";
import { parseRelease, type KubeRelease } from "../kube/kube-release.ts";
import type { KubeTarget } from "../kube/kube-target.ts";
import type { CompiledRule, Rule } from "./rule.ts";

/** Rules indexed by API group and kind, paths parsed once. Built by the caller, never global. */
export interface Catalogue {
  /**
   * Rules for one group/kind, wildcard rules (`*`) included; with `subresource`, the rules that
   * judge that subresource (`resize`) only.
   */
  rulesFor(group: string, kind: string, subresource?: string): readonly CompiledRule[];
  /** What find compares for one group/kind: every path its rules watch (root and reads). */
  scopeFor(group: string, kind: string, subresource?: string): PathScope;
  /** The kind's rules' pointer-to-struct fields, as whole-object path patterns (Rule.pointerStructs). */
  pointerStructsFor(group: string, kind: string, subresource?: string): readonly (readonly PathSegment[])[];
  /** True when some rule judges this subresource of the kind (every other subresource is not judged). */
  judgesSubresource(group: string, kind: string, subresource: string): boolean;
  /** Every rule, in catalogue order. */
  readonly all: readonly CompiledRule[];
  /** The release and feature gates the catalogue was built for (catalogueFor); absent for hand-built ones. */
  readonly kube?: KubeTarget;
}

function releaseOf(rule: Rule, field: "since" | "until"): KubeRelease | undefined {
  const text = rule[field];
  if (text === undefined) return undefined;
  const release = parseRelease(text);
  if (!release) throw new Error(`rule ${rule.id}: ${field} "${text}" is not a Kubernetes release like 1.36`);
  return release;
}

export function compileRule(rule: Rule): CompiledRule {
  const root = parsePathPattern(rule.path);
  const since = releaseOf(rule, "since");
  const until = releaseOf(rule, "until");
  return {
    ...rule,
    root,
    releases: { ...(since ? { since } : {}), ...(until ? { until } : {}) },
    watched: [root, ...(rule.reads ?? []).map(parsePathPattern)],
  };
}

interface KindEntry {
  readonly rules: readonly CompiledRule[];
  readonly scope: PathScope;
  readonly pointerStructs: readonly (readonly PathSegment[])[];
}

function kindKey(group: string, kind: string, subresource: string | undefined): string {
  return subresource === undefined ? `${group}/${kind}` : `${group}/${kind}/${subresource}`;
}

/**
 * A catalogue of exactly these rules. Ids are unique within one catalogue; the built-in list may
 * hold one id several times for different releases or gate states (catalogueFor picks one).
 */
export function createCatalogue(rules: readonly Rule[], kube?: KubeTarget): Catalogue {
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
    const key = kindKey(rule.group, rule.kind, rule.subresource);
    const list = byKind.get(key) ?? [];
    list.push(rule);
    byKind.set(key, list);
  }
  const cache = new Map<string, KindEntry>();
  const entryFor = (group: string, kind: string, subresource: string | undefined): KindEntry => {
    const key = kindKey(group, kind, subresource);
    let found = cache.get(key);
    if (!found) {
      const matchingWildcards =
        subresource === undefined
          ? wildcard.filter((r) => r.subresource === undefined && (r.group === "*" || r.group === group) && (r.kind === "*" || r.kind === kind))
          : [];
      const rules = [...matchingWildcards, ...(byKind.get(key) ?? [])];
      const pointerStructs = rules.flatMap((r) => (r.pointerStructs ?? []).map((p) => [...r.root, ...p]));
      found = { rules, scope: pathScope(rules.flatMap((r) => r.watched)), pointerStructs };
      cache.set(key, found);
    }
    return found;
  };
  return {
    all: compiled,
    rulesFor: (group, kind, subresource) => entryFor(group, kind, subresource).rules,
    scopeFor: (group, kind, subresource) => entryFor(group, kind, subresource).scope,
    pointerStructsFor: (group, kind, subresource) => entryFor(group, kind, subresource).pointerStructs,
    judgesSubresource: (group, kind, subresource) => byKind.has(kindKey(group, kind, subresource)),
    ...(kube ? { kube } : {}),
  };
}
