import { allow } from "../../../src/core/decide/decision.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { auditAnnotationKey, DECISION_ID_KEY, isQualifiedName } from "../../../src/core/audit/decision-id.ts";
import { verdictFor } from "../../../src/core/admission/verdict-for.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The webhook names the manifests install (their audit annotations are keyed by these). */
function webhookNames(): string[] {
  const docs = parseAllDocuments(readFileSync(join(ROOT, "manifests", "base", "webhooks.yaml"), "utf8")).map((d) => d.toJSON());
  return docs.flatMap((d: { webhooks?: { name: string }[] }) => (d.webhooks ?? []).map((w) => w.name));
}

describe("audit annotation keys (the API server drops keys that are not qualified names)", () => {
  it("implements IsQualifiedName", () => {
    assert.ok(isQualifiedName("mutate.gitops-guard.io/decision-id"));
    assert.ok(isQualifiedName("decision-id"));
    assert.ok(!isQualifiedName("a/b/c"), "one slash at most");
    assert.ok(!isQualifiedName(`x.io/${"a".repeat(64)}`), "name part ≤ 63");
    assert.ok(!isQualifiedName("Upper.io/x"), "the prefix is a lower-case DNS subdomain");
    assert.ok(!isQualifiedName("x.io/-x"), "alphanumeric at both ends");
    assert.ok(!isQualifiedName("/x"));
  });

  it("every key serve writes today, and decision-id, is kept under every webhook name of the manifests", () => {
    const names = webhookNames();
    assert.deepEqual(names, ["mutate.gitops-guard.io", "validate.gitops-guard.io"]);
    const decision = allow(
      [{ ruleId: "apps.Deployment.selector", path: "spec.selector", segments: ["spec", "selector"], from: 1, to: 2, class: "immutable" as const, severity: "blocking" as const, strategy: "recreate" as const, message: "m" }],
      "r",
      { mode: "audit", enforcedAction: "deny" },
    );
    // A Set: once serve writes decision-id itself, verdictFor's keys include it already.
    const keys = [...new Set([...Object.keys(verdictFor(decision, []).auditAnnotations), DECISION_ID_KEY])];
    assert.deepEqual(keys.sort(), ["action", "decision-id", "mode", "rules"]);
    for (const name of names) for (const key of keys) assert.ok(auditAnnotationKey(name, key).valid, `${name}/${key}`);
  });

  it("a nested prefix is not kept", () => {
    assert.equal(auditAnnotationKey("mutate.gitops-guard.io", "gitops-guard/decision-id").valid, false);
  });
});
