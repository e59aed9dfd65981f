import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { mutateRequest } from "../../../src/core/admission/mutate-request.ts";
import { admissionReviewSchema } from "../../../src/core/admission/admission-review.ts";
import { plainQuantity } from "../../../src/core/rules/catalogue/as-written.ts";
import { canonicalQuantity } from "../../../src/core/rules/catalogue/canonical-quantity.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { catalogueAt } from "../../support/rule-case.ts";
import { conformancePairs } from "../../support/conformance-pairs.ts";
import { updateReview } from "../../support/update-review.ts";

/**
 * Compare normalised, show as written (issue 19 §4): the canonical spelling the rules compare
 * quantities in (`8e-0`, `1073741824e-0`) never reaches a finding, a denial, a warning or the
 * replace-desired annotation. A canonical quantity as a word of its own (not inside a uid).
 */
const CANONICAL = /(?<![0-9A-Za-z.-])\d+e-\d+(?![0-9A-Za-z.])/;

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

describe("plainQuantity", () => {
  it("spells canonical amounts as decimals and leaves everything else alone", () => {
    for (const [text, plain] of [["8e-0", "8"], ["5e-1", "0.5"], ["25e-3", "0.025"], ["-15e-1", "-1.5"], ["1073741824e-0", "1073741824"], ["1Gi", "1Gi"], ["web", "web"]] as const) {
      assert.equal(plainQuantity(text), plain, text);
    }
  });

  it("round-trips: a plain spelling is the same amount as the canonical one", () => {
    for (const q of ["8", "500m", "1.5", "1Gi", "0.025", "12e3"]) {
      const canonical = canonicalQuantity(q);
      assert.equal(typeof canonical, "string");
      assert.equal(canonicalQuantity(plainQuantity(String(canonical))), canonical, q);
    }
  });
});

describe("no canonical quantity in findings, denials, warnings or annotations (whole corpus, every release)", () => {
  it("check's findings", () => {
    const shown: string[] = [];
    for (const pair of conformancePairs()) {
      for (const release of pair.releases) {
        const findings = findFindings(catalogueAt(release, pair.header.featureGates), { old: pair.old, new: pair.new, ...(pair.header.subresource ? { subresource: pair.header.subresource } : {}) });
        for (const f of findings) {
          const text = JSON.stringify([f.from, f.to, f.message]);
          if (CANONICAL.test(text)) shown.push(`${pair.name} on ${release}: ${f.path} ${text}`);
        }
      }
    }
    assert.deepEqual(shown, []);
  });

  it("/mutate's answers, denied (kubectl) and marked with the desired values (Flux)", () => {
    const shown: string[] = [];
    let marked = 0;
    conformancePairs().forEach((pair, index) => {
      for (const by of ["kubectl", "flux"] as const) {
        const raw = updateReview(pair.old, pair.new, index, by);
        if (pair.header.subresource) raw.request["subResource"] = pair.header.subresource;
        const release = pair.releases[pair.releases.length - 1] ?? "1.37";
        const outcome = mutateRequest(admissionReviewSchema.parse(raw).request, { catalogue: catalogueAt(release, pair.header.featureGates), policy, guardNamespace: "gitops-guard" });
        if (JSON.stringify(outcome.patch).includes("replace-desired")) marked++;
        const text = JSON.stringify([outcome.verdict, outcome.patch.filter((op) => op.path.startsWith("/metadata/annotations"))]);
        if (CANONICAL.test(text)) shown.push(`${pair.name} (${by}): ${CANONICAL.exec(text)?.[0] ?? ""}`);
      }
    });
    assert.deepEqual(shown, []);
    assert.ok(marked > 50, `only ${marked} answers carried the desired values`);
  });

  it("the Job whose cpu request went from 8 to 4 reads 8 → 4 in the denial", () => {
    const pair = conformancePairs().find((p) => p.name === "batch-job/template-requests-defaulted-from-limits");
    assert.ok(pair);
    const findings = findFindings(catalogueAt("1.37"), { old: pair.old, new: pair.new });
    for (const f of findings) assert.doesNotMatch(JSON.stringify([f.from, f.to]), CANONICAL, f.path);
  });
});
