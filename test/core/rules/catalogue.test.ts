import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileRule, createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { BUILTIN_RULES } from "../../../src/core/rules/catalogue/builtin-rules.ts";
import { catalogueFor } from "../../../src/core/rules/catalogue-for.ts";
import { resolveKubeTarget } from "../../../src/core/kube/resolve-kube-target.ts";
import type { Rule } from "../../../src/core/rules/rule.ts";

function rule(id: string, group: string, kind: string, path = "spec", check: Rule["check"] = { type: "frozen" }): Rule {
  return { id, group, kind, path, class: "immutable", check, why: `${id} cannot change`, source: "test" };
}

describe("createCatalogue", () => {
  it("refuses two rules with the same id", () => {
    assert.throws(() => createCatalogue([rule("x.Widget.spec", "example.io", "Widget"), rule("x.Widget.spec", "example.io", "Gadget")]), /duplicate rule id x\.Widget\.spec/);
  });

  it("builds the built-in catalogue: ids unique, every rule explained and sourced", () => {
    const catalogue = catalogueFor(resolveKubeTarget({}));
    assert.ok(catalogue.all.length <= BUILTIN_RULES.length);
    assert.ok(catalogue.all.length > 50);
    for (const r of catalogue.all) {
      assert.ok(r.why.length > 0 && r.source.length > 0, r.id);
      assert.match(r.id, /^[A-Za-z0-9*][\w.*/:-]*$/, r.id);
    }
    assert.ok(catalogue.rulesFor("apps", "Deployment").some((r) => r.id === "apps.Deployment.selector"));
    assert.ok(catalogue.rulesFor("", "PersistentVolumeClaim").length > 0);
  });

  it("finds rules by group and kind, wildcard rules first, in catalogue order", () => {
    const catalogue = createCatalogue([
      rule("apps.Deployment.a", "apps", "Deployment"),
      rule("any.Secret", "*", "Secret"),
      rule("apps.any", "apps", "*"),
      rule("everything", "*", "*"),
      rule("apps.Deployment.b", "apps", "Deployment"),
      rule("core.Secret", "", "Secret"),
    ]);
    assert.deepEqual(catalogue.rulesFor("apps", "Deployment").map((r) => r.id), ["apps.any", "everything", "apps.Deployment.a", "apps.Deployment.b"]);
    assert.deepEqual(catalogue.rulesFor("", "Secret").map((r) => r.id), ["any.Secret", "everything", "core.Secret"]);
    assert.deepEqual(catalogue.rulesFor("example.io", "Secret").map((r) => r.id), ["any.Secret", "everything"]);
    assert.deepEqual(catalogue.rulesFor("batch", "Job").map((r) => r.id), ["everything"]);
    assert.deepEqual(catalogue.rulesFor("apps", "StatefulSet").map((r) => r.id), ["apps.any", "everything"]);
    assert.deepEqual(catalogue.all.map((r) => r.id), ["apps.Deployment.a", "any.Secret", "apps.any", "everything", "apps.Deployment.b", "core.Secret"]);
  });

  it("answers the same rules on every call", () => {
    const catalogue = createCatalogue([rule("a", "apps", "Deployment"), rule("b", "*", "*")]);
    assert.deepEqual(catalogue.rulesFor("apps", "Deployment"), catalogue.rulesFor("apps", "Deployment"));
    assert.deepEqual(catalogue.rulesFor("", "Pod").map((r) => r.id), ["b"]);
  });

  it("keeps separate catalogues separate (no global state)", () => {
    const one = createCatalogue([rule("a", "apps", "Deployment")]);
    const two = createCatalogue([rule("a", "apps", "Deployment"), rule("b", "apps", "Deployment")]);
    assert.equal(one.rulesFor("apps", "Deployment").length, 1);
    assert.equal(two.rulesFor("apps", "Deployment").length, 2);
  });
});

describe("compileRule", () => {
  it("parses the path pattern once", () => {
    assert.deepEqual(compileRule(rule("a", "", "Pod", "spec.containers[*].image")).root, ["spec", "containers", "*", "image"]);
  });
});
