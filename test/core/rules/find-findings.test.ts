import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { DATA_BEARING_KINDS, findFindings, isDataBearing } from "../../../src/core/rules/find-findings.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { getAt, type PathSegment } from "../../../src/core/k8s/field-path.ts";
import { setAt } from "../../../src/core/k8s/set-at.ts";
import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { FIXTURES, loadPair } from "../../support/load-yaml.ts";
import { builtinCatalogue, findingsFor } from "../../support/rule-case.ts";

const WIDGET = loadPair("rules/engine/widget.yaml");

function rule(id: string, path: string, extra: Partial<Rule> = {}): Rule {
  return { id, group: "example.io", kind: "Widget", path, class: "immutable", check: { type: "frozen" }, why: `${id}: why`, source: "test", ...extra };
}

function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.path} ${f.class}`);
}

function find(rules: Rule[], old: JsonObject = WIDGET.old, incoming: JsonObject = WIDGET.new): Finding[] {
  return findFindings(createCatalogue(rules), { old, new: incoming });
}

describe("findFindings", () => {
  it("turns violations into findings with field paths, values, class, severity, strategy and message", () => {
    const [finding] = find([rule("w.engine", "spec.engine")]);
    assert.deepEqual(finding, {
      ruleId: "w.engine", path: "spec.engine", segments: ["spec", "engine"], from: "v8", to: "v9",
      class: "immutable", severity: "blocking", strategy: "recreate", message: "w.engine: why",
    });
  });

  it("prints label keys in brackets", () => {
    assert.deepEqual(find([rule("w.labels", "metadata.labels", { class: "risky" })]).map((f) => f.path), ["metadata.labels[app.kubernetes.io/name]"]);
  });

  it("finds nothing when nothing changed, whatever the rules", () => {
    assert.deepEqual(find([rule("w.all", "spec"), rule("any", "metadata", { group: "*", kind: "*" })], WIDGET.old, WIDGET.old), []);
  });

  it("applies rules by the new object's group and kind, wildcard rules included", () => {
    const rules = [rule("w.engine", "spec.engine"), rule("other.group", "spec.engine", { group: "other.io" }), rule("any.kind", "spec.region", { group: "*", kind: "*" })];
    assert.deepEqual(summary(find(rules)).sort(), ["any.kind spec.region immutable", "w.engine spec.engine immutable"]);
  });

  it("uses default severities by class, and a rule's own severity when set", () => {
    const rules = [
      rule("w.engine", "spec.engine"),
      rule("w.region", "spec.region", { class: "declared" }),
      rule("w.knobs", "spec.tuning", { class: "risky" }),
      rule("w.id", "spec.allocatedId", { class: "server-assigned" }),
      rule("w.storage", "spec.storage", { severity: "warning" }),
    ];
    const bySeverity = Object.fromEntries(find(rules).map((f) => [f.ruleId, f.severity]));
    assert.deepEqual(bySeverity, { "w.engine": "blocking", "w.region": "blocking", "w.knobs": "warning", "w.id": "warning", "w.storage": "warning" });
  });

  it("uses default strategies by class and kind, and a rule's own strategy when set", () => {
    const rules = [
      rule("w.engine", "spec.engine"),
      rule("w.region", "spec.region", { strategy: "blue-green" }),
      rule("w.knobs", "spec.tuning", { class: "risky" }),
      rule("w.id", "spec.allocatedId", { class: "server-assigned" }),
    ];
    const byStrategy = Object.fromEntries(find(rules).map((f) => [f.ruleId, f.strategy]));
    assert.deepEqual(byStrategy, { "w.engine": "recreate", "w.region": "blue-green", "w.knobs": "review", "w.id": "restore" });
  });

  it("suggests migrate, not recreate, for data-bearing kinds", () => {
    const [finding] = findingsFor("rules/core/pvc-storage-class-change.yaml").filter((f) => f.class === "immutable");
    assert.equal(finding?.strategy, "migrate");
  });

  it("prefers a violation's own detail over the rule's why", () => {
    const [finding] = find([rule("w.engine", "spec.engine", { check: { type: "custom", evaluate: (_input, r) => [{ path: r.root, from: 1, to: 2, detail: "engine v9 needs a new volume" }] } })]);
    assert.equal(finding?.message, "engine v9 needs a new volume");
  });

  it("reports one path once per class, by the most specific rule (longest rule path)", () => {
    const rules = [rule("w.spec", "spec"), rule("w.engine", "spec.engine"), rule("w.replicas", "spec.replicas[*]")];
    assert.deepEqual(summary(find(rules)).sort(), [
      "w.engine spec.engine immutable", "w.replicas spec.replicas[1].size immutable", "w.spec spec.allocatedId immutable",
      "w.spec spec.region immutable", "w.spec spec.storage immutable", "w.spec spec.tuning.knobs.x immutable", "w.spec spec.zone immutable",
    ]);
  });

  it("keeps one finding per class at a path: immutable and risky both stay", () => {
    const rules = [rule("w.engine", "spec.engine"), rule("w.engine-risk", "spec.engine", { class: "risky" })];
    assert.deepEqual(summary(find(rules)), ["w.engine spec.engine immutable", "w.engine-risk spec.engine risky"]);
  });

  it("reports a dropped server-assigned value as a restore only, not also as an immutable change at or below it", () => {
    const old: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { allocated: { id: "w-1", port: 80 }, engine: "v8" } };
    const incoming: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { engine: "v9" } };
    const rules = [
      rule("w.spec", "spec"),
      rule("w.allocated.id", "spec.allocated.id"),
      rule("w.allocated", "spec.allocated", { class: "server-assigned", check: { type: "custom", evaluate: (i, r) => [{ path: r.root, from: i.old["spec"] && (i.old["spec"] as JsonObject)["allocated"], to: undefined }] } }),
    ];
    assert.deepEqual(summary(find(rules, old, incoming)), ["w.spec spec.engine immutable", "w.allocated spec.allocated server-assigned"]);
  });

  it("does not let a server-assigned finding hide an immutable change above its path", () => {
    const old: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: { allocated: { id: "w-1" } } };
    const incoming: JsonObject = { apiVersion: "example.io/v1", kind: "Widget", spec: "replaced" };
    const rules = [
      rule("w.spec", "spec"),
      rule("w.allocated", "spec.allocated", { class: "server-assigned", check: { type: "custom", evaluate: (_i, r) => [{ path: r.root, from: "w-1", to: undefined }] } }),
    ];
    assert.deepEqual(summary(find(rules, old, incoming)), ["w.spec spec immutable", "w.allocated spec.allocated server-assigned"]);
  });
});

describe("isDataBearing", () => {
  it("names PVC, PV, Namespace (core) and CustomResourceDefinition (apiextensions)", () => {
    assert.deepEqual([...DATA_BEARING_KINDS].sort(), ["/Namespace", "/PersistentVolume", "/PersistentVolumeClaim", "apiextensions.k8s.io/CustomResourceDefinition"]);
    assert.equal(isDataBearing("", "PersistentVolumeClaim"), true);
    assert.equal(isDataBearing("apiextensions.k8s.io", "CustomResourceDefinition"), true);
    assert.equal(isDataBearing("example.io", "PersistentVolumeClaim"), false);
    assert.equal(isDataBearing("apps", "StatefulSet"), false);
    assert.equal(isDataBearing("", "CustomResourceDefinition"), false);
  });
});

/**
 * find compares only what the kind's rules watch (their paths and `reads`). That must never change a
 * finding: on every fixture pair of the repository (rule fixtures and the conformance corpus), both
 * ways round, and on random edits of them, `watched` and `all` give the same findings. A custom
 * check that reads a path it does not declare fails here.
 */
describe("findFindings compares only the watched paths, with the same findings as a whole compare", () => {
  const pairs = fixturePairs();

  it("has fixture pairs to check (rule fixtures and the conformance corpus)", () => {
    assert.ok(pairs.length > 500, `only ${pairs.length} pairs found`);
  });

  it("gives the same findings on every fixture pair, both ways round", () => {
    const catalogue = builtinCatalogue();
    for (const pair of pairs) {
      for (const [old, incoming] of [[pair.old, pair.new], [pair.new, pair.old]] as const) {
        const input = { old, new: incoming };
        assert.deepEqual(summary(findFindings(catalogue, input, "watched")), summary(findFindings(catalogue, input, "all")), pair.name);
      }
    }
  });

  it("gives the same findings on random edits of the incoming object (the live one stays as stored)", () => {
    const catalogue = builtinCatalogue();
    // The live object passed the API server's validation; the incoming one is any edit of a fixture
    // with values of the type already there (a string field gets a string: the API server's decoder
    // refuses anything else before validation).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: pairs.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 4 }), fc.boolean(), (index, edits, fromLive) => {
        const pair = pairs[index]!;
        const old = pair.old;
        const incoming = structuredClone(fromLive ? pair.old : pair.new);
        for (const [pick, seed, remove] of edits) {
          const paths = nodePaths(incoming);
          const path = paths[pick % paths.length]!;
          setAt(incoming, path, remove ? undefined : replacementFor(getAt(incoming, path), seed));
        }
        const input = { old, new: incoming };
        assert.deepEqual(summary(findFindings(catalogue, input, "watched")), summary(findFindings(catalogue, input, "all")), pair.name);
      }),
      { numRuns: 3000 },
    );
  });
});

/** Every old/new pair under test/fixtures and test/conformance/pairs (the header document skipped). */
function fixturePairs(): { readonly name: string; readonly old: JsonObject; readonly new: JsonObject }[] {
  const out: { name: string; old: JsonObject; new: JsonObject }[] = [];
  const root = join(FIXTURES, "..");
  for (const file of yamlFilesUnder(join(root, "fixtures")).concat(yamlFilesUnder(join(root, "conformance", "pairs")))) {
    let docs: unknown[];
    try {
      docs = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJSON() as unknown).filter((d) => d !== null && d !== undefined);
    } catch {
      continue;
    }
    const objects = docs.filter((d): d is JsonObject => isJsonObject(d) && typeof d["kind"] === "string" && typeof d["apiVersion"] === "string");
    if (objects.length !== 2) continue;
    const [old, incoming] = objects as [JsonObject, JsonObject];
    if (old["kind"] !== incoming["kind"]) continue;
    out.push({ name: relative(root, file), old, new: incoming });
  }
  return out;
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return entry.name.endsWith(".yaml") || entry.name.endsWith(".yml") ? [path] : [];
  });
}

/** A new value of the same JSON type as `current` (a fresh object: never shared between edits). */
function replacementFor(current: JsonValue | undefined, seed: number): JsonValue {
  const words = ["a", "app", "name", "v2", "100Gi", "1", "ExternalName", "Delete", "enabled"];
  if (typeof current === "number") return (seed % 7) - 1;
  if (typeof current === "boolean") return seed % 2 === 0;
  if (Array.isArray(current)) return seed % 3 === 0 ? [] : current.slice(0, seed % (current.length + 1));
  if (isJsonObject(current)) return seed % 3 === 0 ? {} : { [words[seed % words.length]!]: words[(seed >> 3) % words.length]! };
  return words[seed % words.length]!;
}

/** Paths of every node below the top level (objects, arrays and leaves). */
function nodePaths(value: JsonValue, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [];
  const children: [PathSegment, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isJsonObject(value) ? Object.entries(value) : [];
  for (const [key, child] of children) {
    const path = [...prefix, key];
    out.push(path, ...nodePaths(child, path));
  }
  return out.length > 0 ? out : [[...prefix, "added"]];
}
