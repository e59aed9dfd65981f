import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { policySchema } from "../../../src/core/policy/policy-schema.ts";
import { parsePolicy } from "../../../src/core/policy/parse-policy.ts";
import { packageRoot } from "../../../src/adapters/fs/package-root.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";

/** Every key path of the schema: `exemptions.namespaces`, `overrides[].match.kinds`, … */
function keyPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
  switch (def.type) {
    case "default":
    case "optional":
    case "nullable":
      return keyPaths(def.innerType!, prefix);
    case "array":
      return def.element ? keyPaths(def.element, `${prefix}[]`) : [];
    case "object": {
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      return Object.entries(shape).flatMap(([key, child]) => {
        const path = prefix === "" ? key : `${prefix}.${key}`;
        return [path, ...keyPaths(child, path)];
      });
    }
    default:
      return [];
  }
}

describe("policy schema", () => {
  it("is documented key by key in the README's policy reference", () => {
    const readme = readFileSync(join(packageRoot(), "README.md"), "utf8");
    // check's own keys (`check.*`) are documented with the command, in docs/check.md.
    const section = readme.slice(readme.indexOf("## Policy reference")) + readFileSync(join(packageRoot(), "docs", "check.md"), "utf8");
    assert.ok(section.length > 100, "README has a '## Policy reference' section");
    const undocumented = keyPaths(policySchema).filter((path) => !section.includes(`\`${path}\``));
    assert.deepEqual(undocumented, [], "every policy key appears in backticks in the README's policy reference");
  });

  it("the README shows the embedded default policy verbatim", () => {
    const readme = readFileSync(join(packageRoot(), "README.md"), "utf8");
    const embedded = readFileSync(join(packageRoot(), "policy", "default-policy.yaml"), "utf8");
    assert.ok(readme.includes(embedded.trim()), "README contains policy/default-policy.yaml");
  });

  it("fills every default from an almost empty document", () => {
    const result = parsePolicy({ apiVersion: "gitops-guard.io/v1alpha1", kind: "Policy" });
    assert.ok(result.ok);
    assert.equal(result.value.policy.mode, "enforce");
    assert.equal(result.value.policy.failureMode, "open");
    assert.equal(result.value.policy.defaults.owned, "mark");
    assert.equal(result.value.policy.watch.stuckAfterSeconds, 300);
  });

  it("gives the same content hash to the same policy however it is written", () => {
    const a = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: audit\n");
    const b = parsePolicyText('{"kind":"Policy","mode":"audit","apiVersion":"gitops-guard.io/v1alpha1","restore":true}');
    assert.ok(a.ok && b.ok);
    assert.equal(a.value.contentHash, b.value.contentHash);
    const c = parsePolicyText("apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: enforce\n");
    assert.ok(c.ok);
    assert.notEqual(a.value.contentHash, c.value.contentHash);
  });
});
