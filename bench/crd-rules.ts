/**
 * Per-review cost of CRD x-kubernetes-validations rules: the CEL evaluator (ADR 0006) beside the
 * regex subset it replaced (bench/baseline/regex-crd-rules.ts), in the same run.
 *
 * `node bench/crd-rules.ts [--runs N] [--reviews N]` builds a Gateway-API-shaped CRD (the
 * transition rules Gateway API and the Kubernetes documentation write: `self == oldSelf` on
 * gatewayClassName, set-once and required-once-set fields, a pinned child, per-listener rules on a
 * map-type list, plus rules without oldSelf: unique listener names, hostname patterns, port
 * ranges) and times findFindings on a Gateway with 16 listeners for two updates: one listener's
 * hostname changed (allowed) and gatewayClassName changed (refused). Each run judges --reviews
 * updates after a warm-up; the table gives the median per review over --runs runs, and the time
 * to read the CRD (cold: a new compiler; warm: the program cache of the CRD watch).
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createCelCompiler } from "../src/core/crd/cel/cel-compiler.ts";
import { declaredRulesFromCrd, type CrdRuleScope } from "../src/core/crd/declared-rules-from-crd.ts";
import type { JsonObject } from "../src/core/k8s/json.ts";
import { createCatalogue } from "../src/core/rules/catalogue.ts";
import { findFindings } from "../src/core/rules/find-findings.ts";
import type { Rule } from "../src/core/rules/rule.ts";
import { regexDeclaredRulesFromCrd } from "./baseline/regex-crd-rules.ts";
import { median } from "./median.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, reviews: { type: "string", default: "2000" } } });
const RUNS = Number(values.runs);
const REVIEWS = Number(values.reviews);

const listener = {
  type: "object",
  "x-kubernetes-validations": [
    { rule: "self.protocol == oldSelf.protocol", message: "a listener's protocol is immutable" },
    { rule: "!has(oldSelf.tls) || has(self.tls)", message: "tls may not be removed" },
    { rule: "!has(self.hostname) || self.hostname.matches('^(\\\\*\\\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$')", message: "hostname must be a DNS name" },
    { rule: "self.port >= 1 && self.port <= 65535", message: "port out of range" },
  ],
  properties: {
    name: { type: "string" }, hostname: { type: "string" }, port: { type: "integer" }, protocol: { type: "string" },
    tls: { type: "object", properties: { mode: { type: "string" } } },
  },
};

const CRD: JsonObject = {
  apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gateways.bench.example.io" },
  spec: {
    group: "bench.example.io", names: { kind: "Gateway", plural: "gateways" }, scope: "Namespaced",
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: {
      spec: {
        type: "object",
        "x-kubernetes-validations": [
          { rule: "!has(oldSelf.addresses) || self.addresses == oldSelf.addresses", message: "addresses are immutable once set" },
          { rule: "!has(oldSelf.infrastructure) || has(self.infrastructure)", message: "infrastructure is required once set" },
          { rule: "self.region == oldSelf.region", message: "region cannot be changed" },
        ],
        properties: {
          gatewayClassName: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "Value is immutable" }] },
          region: { type: "string" },
          addresses: { type: "array", items: { type: "string" } },
          infrastructure: { type: "object", properties: { labels: { type: "object", additionalProperties: { type: "string" } } } },
          listeners: {
            type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], maxItems: 64, items: listener,
            "x-kubernetes-validations": [{ rule: "self.all(l1, self.exists_one(l2, l1.name == l2.name))", message: "listener names must be unique" }],
          },
        },
      },
    } } } }],
  },
};

function gateway(className: string, hostOf: (i: number) => string): JsonObject {
  const listeners = Array.from({ length: 16 }, (_, i) => ({ name: `l${i}`, hostname: hostOf(i), port: 443, protocol: "HTTPS", tls: { mode: "Terminate" } }));
  return {
    apiVersion: "bench.example.io/v1", kind: "Gateway", metadata: { name: "gw", namespace: "default" },
    spec: { gatewayClassName: className, region: "eu", addresses: ["10.0.0.1"], infrastructure: { labels: { team: "a" } }, listeners },
  };
}

const OLD = gateway("internal", (i) => `app${i}.example.com`);
const UPDATES = {
  "hostname changed (allowed)": gateway("internal", (i) => (i === 3 ? "other.example.com" : `app${i}.example.com`)),
  "class changed (refused)": gateway("external", (i) => `app${i}.example.com`),
};

function rulesOf(kind: "regex" | CrdRuleScope): readonly Rule[] {
  const result = kind === "regex" ? regexDeclaredRulesFromCrd(CRD) : declaredRulesFromCrd(CRD, { scope: kind, now: () => performance.now() });
  if (!result.ok) throw new Error(result.error);
  return result.rules;
}

const KINDS = ["regex", "transition", "all"] as const;

/** Median µs per review of each kind, the kinds' runs interleaved (this machine's load varies). */
function timeReviews(next: JsonObject): Map<(typeof KINDS)[number], { usPerReview: number; findings: number }> {
  const catalogues = new Map(KINDS.map((kind) => [kind, createCatalogue(rulesOf(kind))] as const));
  const findings = new Map<string, number>();
  for (const [kind, catalogue] of catalogues) for (let i = 0; i < 200; i++) findings.set(kind, findFindings(catalogue, { old: OLD, new: next }).length);
  const samples = new Map<string, number[]>(KINDS.map((k) => [k, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [kind, catalogue] of catalogues) {
      const started = performance.now();
      for (let i = 0; i < REVIEWS; i++) findFindings(catalogue, { old: OLD, new: next });
      samples.get(kind)!.push(((performance.now() - started) * 1000) / REVIEWS);
    }
  }
  return new Map(KINDS.map((k) => [k, { usPerReview: median(samples.get(k)!), findings: findings.get(k) ?? 0 }]));
}

function timeCompile(): { coldMs: number; warmMs: number } {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const compiler = createCelCompiler();
    let started = performance.now();
    declaredRulesFromCrd(CRD, { scope: "all", compiler });
    cold.push(performance.now() - started);
    started = performance.now();
    declaredRulesFromCrd(CRD, { scope: "all", compiler });
    warm.push(performance.now() - started);
  }
  return { coldMs: median(cold), warmMs: median(warm) };
}

const rows: string[] = ["| update | regex subset (µs/review) | CEL, transition rules: serve (µs/review) | CEL, every rule: check (µs/review) |", "| --- | --- | --- | --- |"];
for (const [name, next] of Object.entries(UPDATES)) {
  const times = timeReviews(next);
  const cells = KINDS.map((kind) => {
    const { usPerReview, findings } = times.get(kind)!;
    return `${usPerReview.toFixed(1)} (${findings} finding${findings === 1 ? "" : "s"})`;
  });
  rows.push(`| ${name} | ${cells.join(" | ")} |`);
}
const { coldMs, warmMs } = timeCompile();
console.log(rows.join("\n"));
console.log(`\nrules: regex ${rulesOf("regex").length}, CEL transition ${rulesOf("transition").length}, CEL all ${rulesOf("all").length}`);
console.log(`reading the CRD (${RUNS} runs, median): cold ${coldMs.toFixed(2)} ms, warm (program cache) ${warmMs.toFixed(2)} ms`);
console.log(`load average while running: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (${availableParallelism()} CPUs)`);
