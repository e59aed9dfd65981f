import { formatFieldPath, patternCovers } from "../k8s/field-path.ts";
import type { JsonObject } from "../k8s/json.ts";
import { groupOf } from "../k8s/kube-object.ts";
import { compareObjects } from "../compare/compare-objects.ts";
import type { Finding, FindingClass, JudgedUnder, Severity, Strategy } from "../findings/finding.ts";
import { isGateName } from "../kube/feature-gates.ts";
import { formatRelease } from "../kube/kube-release.ts";
import { gateEnabled, type KubeTarget } from "../kube/kube-target.ts";
import type { Catalogue } from "./catalogue.ts";
import { findViolations } from "./find-violations.ts";
import type { ClusterFacts, CompiledRule, RuleInput, Violation } from "./rule.ts";

/** Kinds whose objects hold data: never recreated automatically (DESIGN "the rewrite", 4). */
export const DATA_BEARING_KINDS: ReadonlySet<string> = new Set([
  "/PersistentVolumeClaim",
  "/PersistentVolume",
  "/Namespace",
  "apiextensions.k8s.io/CustomResourceDefinition",
]);

export function isDataBearing(group: string, kind: string): boolean {
  return DATA_BEARING_KINDS.has(`${group}/${kind}`);
}

const DEFAULT_SEVERITY: Record<FindingClass, Severity> = {
  immutable: "blocking",
  declared: "blocking",
  "server-assigned": "warning",
  risky: "warning",
  held: "warning",
};

function defaultStrategy(rule: CompiledRule, group: string, kind: string): Strategy {
  if (rule.strategy) return rule.strategy;
  if (rule.class === "server-assigned") return "restore";
  if (rule.class === "risky") return "review";
  return isDataBearing(group, kind) ? "migrate" : "recreate";
}

/**
 * The release and gates a finding was judged under, when they mattered: the rule is dated or
 * gated, and the catalogue was built for a target (catalogueFor).
 */
function judgedUnder(rule: CompiledRule, kube: KubeTarget | undefined): JudgedUnder | undefined {
  if (!kube || (rule.since === undefined && rule.until === undefined && rule.gates === undefined)) return undefined;
  const featureGates: Record<string, boolean> = {};
  for (const name of Object.keys(rule.gates ?? {})) if (isGateName(name)) featureGates[name] = gateEnabled(kube, name);
  return { kubernetesVersion: formatRelease(kube.release), ...(Object.keys(featureGates).length > 0 ? { featureGates } : {}) };
}

function toFinding(rule: CompiledRule, violation: Violation, group: string, kind: string, kube: KubeTarget | undefined): Finding {
  const under = judgedUnder(rule, kube);
  return {
    ruleId: rule.id,
    path: formatFieldPath(violation.path),
    segments: violation.path,
    from: violation.from,
    to: violation.to,
    class: rule.class,
    severity: violation.severity ?? rule.severity ?? DEFAULT_SEVERITY[rule.class],
    strategy: defaultStrategy(rule, group, kind),
    message: violation.detail ?? rule.why,
    ...(under ? { judgedUnder: under } : {}),
  };
}

const SEVERITY_RANK: Record<Severity, number> = { blocking: 2, warning: 1, info: 0 };

/** The finding kept for a path and class: the more severe, then the most specific rule. */
function better(a: Finding, b: Finding, rootLength: Map<Finding, number>): boolean {
  const bySeverity = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  return bySeverity !== 0 ? bySeverity > 0 : (rootLength.get(a) ?? 0) > (rootLength.get(b) ?? 0);
}

/**
 * A dropped server-assigned value is reported once, as server-assigned (a restore), not also as
 * the immutable change it would otherwise be; and one path is reported once per class, by the
 * most severe finding, then the most specific rule (the longest rule path).
 */
function dedupe(findings: Finding[], rootLength: Map<Finding, number>): Finding[] {
  const restored = findings.filter((f) => f.class === "server-assigned");
  const kept = findings.filter(
    (f) => f.class === "server-assigned" || !restored.some((r) => patternCovers(r.segments, f.segments)),
  );
  const best = new Map<string, Finding>();
  for (const finding of kept) {
    const key = `${finding.class}|${finding.path}`;
    const current = best.get(key);
    if (!current || better(finding, current, rootLength)) best.set(key, finding);
  }
  return findings.filter((f) => best.get(`${f.class}|${f.path}`) === f);
}

/** The pair of objects to judge, and what is known about the cluster. */
export interface FindInput {
  readonly old: JsonObject;
  readonly new: JsonObject;
  readonly cluster?: ClusterFacts;
  /** The subresource written (`resize`): judged by that subresource's rules only. Default: the main resource. */
  readonly subresource?: string;
}

/**
 * What find compares: `watched` (default) only the paths the kind's rules watch, `all` the whole
 * objects. Both give the same findings (test/core/rules/find-findings.test.ts checks it on every
 * fixture pair); `watched` skips most of a typical object (a Deployment's containers).
 */
export type CompareScope = "watched" | "all";

/** find: the rule catalogue turns the changes between old and new into findings. */
export function findFindings(catalogue: Catalogue, input: FindInput, compare: CompareScope = "watched"): Finding[] {
  const apiVersion = typeof input.new["apiVersion"] === "string" ? input.new["apiVersion"] : "";
  const kind = typeof input.new["kind"] === "string" ? input.new["kind"] : "";
  const group = groupOf(apiVersion);
  const sub = input.subresource;
  const pointerStructs = catalogue.pointerStructsFor(group, kind, sub);
  const changes = compareObjects(input.old, input.new, compare === "watched" ? { scope: catalogue.scopeFor(group, kind, sub), pointerStructs } : { pointerStructs });
  if (changes.length === 0) return [];
  const ruleInput: RuleInput = { old: input.old, new: input.new, changes, cluster: input.cluster ?? {}, ...(catalogue.kube ? { kube: catalogue.kube } : {}) };
  const findings: Finding[] = [];
  const rootLength = new Map<Finding, number>();
  for (const rule of catalogue.rulesFor(group, kind, sub)) {
    for (const violation of findViolations(rule, ruleInput)) {
      const finding = toFinding(rule, violation, group, kind, catalogue.kube);
      rootLength.set(finding, rule.root.length);
      findings.push(finding);
    }
  }
  return dedupe(findings, rootLength);
}

/**
 * The findings on a created object: the rules that judge creation (Rule.create), with `when`
 * asked about the object alone (an empty old object).
 */
export function findCreationFindings(catalogue: Catalogue, object: JsonObject): Finding[] {
  const apiVersion = typeof object["apiVersion"] === "string" ? object["apiVersion"] : "";
  const kind = typeof object["kind"] === "string" ? object["kind"] : "";
  const group = groupOf(apiVersion);
  const input: RuleInput = { old: {}, new: object, changes: [], cluster: {}, ...(catalogue.kube ? { kube: catalogue.kube } : {}) };
  return catalogue.rulesFor(group, kind).flatMap((rule) =>
    rule.create && (!rule.when || rule.when(input)) ? rule.create(object).map((v) => toFinding(rule, v, group, kind, catalogue.kube)) : [],
  );
}
