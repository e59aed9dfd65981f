import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact } from "../../../src/core/impact/analyze-impact.ts";
import { describeStep } from "../../../src/core/impact/apply-order.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadManifestObjects } from "../../support/manifest-objects.ts";

function orderOf(name: string): string[] {
  const result = analyzeImpact({
    before: loadManifestObjects(`check/${name}/before.yaml`),
    after: loadManifestObjects(`check/${name}/after.yaml`),
    catalogue: builtinCatalogue(),
  });
  assert.ok(result.ok);
  return result.report.order.map(describeStep);
}

describe("applyOrder", () => {
  it("applies what is used before what uses it, replaces in place, prunes last", () => {
    assert.deepEqual(orderOf("cascade"), [
      "apply ConfigMap web/api-config",
      "apply RoleBinding web/api-reader",
      "replace Deployment web/api",
      "delete ConfigMap web/legacy",
    ]);
  });

  it("orders Flux objects after their dependencies", () => {
    const order = orderOf("cascade-flux");
    assert.deepEqual(order, [
      "apply ConfigMap web/api-values",
      "apply Kustomization flux-system/infra",
      "apply Kustomization flux-system/edge",
      "delete HelmRelease db/postgres",
      "delete ConfigMap flux-system/cluster-vars",
    ]);
  });
});
