import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { declaredRulesFromCrd } from "../../../../src/core/crd/declared-rules-from-crd.ts";
import type { JsonObject, JsonValue } from "../../../../src/core/k8s/json.ts";
import { createCatalogue } from "../../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../../src/core/rules/find-findings.ts";
import { loadObject } from "../../../support/load-yaml.ts";

const json = z.custom<JsonValue>(() => true);
const casesSchema = z.object({
  cases: z.array(z.object({
    source: z.string(), name: z.string(), rule: z.string(), optionalOldSelf: z.boolean().optional(),
    schema: z.record(z.string(), json), old: json.optional(), new: json, expect: z.enum(["refused", "allowed", "not-evaluated"]),
  })),
});

/** A CRD whose `spec` field has the case's schema and rule. */
function crdWith(schema: Record<string, JsonValue>, rule: string, optionalOldSelf: boolean | undefined): JsonObject {
  const validation: JsonObject = { rule, message: "the rule is broken", ...(optionalOldSelf ? { optionalOldSelf } : {}) };
  return {
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "cases.example.io" },
    spec: {
      group: "example.io", names: { kind: "Case", plural: "cases" }, scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { ...schema, "x-kubernetes-validations": [validation] } } } } }],
    },
  };
}

function object(spec: JsonValue | undefined): JsonObject {
  return { apiVersion: "example.io/v1", kind: "Case", metadata: { name: "c", namespace: "default" }, ...(spec === undefined ? {} : { spec }) };
}

const FIXTURES = [
  ["the Kubernetes documentation's rules", "crds/cel/kubernetes-docs-rules.yaml"],
  ["the forms the former regex subset recognised", "crds/cel/former-regex-forms.yaml"],
] as const;

for (const [title, file] of FIXTURES) describe(`the CEL evaluator on ${title}`, () => {
  const { cases } = casesSchema.parse(loadObject(file));
  for (const c of cases) {
    it(`${c.source}: ${c.name} → ${c.expect}`, () => {
      const result = declaredRulesFromCrd(crdWith(c.schema, c.rule, c.optionalOldSelf), { scope: "all" });
      assert.ok(result.ok);
      const findings = findFindings(createCatalogue(result.rules), { old: object(c.old), new: object(c.new) });
      const verdict = findings.some((f) => f.severity === "blocking") ? "refused" : findings.some((f) => f.severity === "info") ? "not-evaluated" : "allowed";
      assert.equal(verdict, c.expect, JSON.stringify(findings));
    });
  }
});
