import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  dataBearingDenial, immutableDenial, MAX_WARNING_CHARS, recreateDenial, shortWarning, type MessageSubject,
} from "../../../src/core/decide/denial-message.ts";
import type { Finding } from "../../../src/core/findings/finding.ts";
import { customRulesToRules } from "../../../src/core/policy/custom-rules.ts";
import { createCatalogue } from "../../../src/core/rules/catalogue.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { loadPair } from "../../support/load-yaml.ts";

function hasControlCharacters(text: string): boolean {
  return Array.from(text).some((c) => (c.codePointAt(0) ?? 0) < 32 || c.codePointAt(0) === 127);
}
import { findingsFor } from "../../support/rule-case.ts";

const FLUX_IMMUTABLE = [/is\simmutable/, /immutable\sfield/];

function subjectOf(fixture: string): MessageSubject {
  const obj = loadPair(fixture).new;
  const metadata = obj["metadata"] as Record<string, string>;
  const apiVersion = String(obj["apiVersion"]);
  return { group: apiVersion.includes("/") ? apiVersion.split("/")[0]! : "", kind: String(obj["kind"]), namespace: metadata["namespace"] ?? "", name: metadata["name"] ?? "" };
}

function blocking(fixture: string): Finding[] {
  return findingsFor(fixture).filter((f) => f.severity === "blocking");
}

describe("immutableDenial", () => {
  const fixture = "rules/apps/deployment-selector-common-labels.yaml";
  const message = immutableDenial(subjectOf(fixture), blocking(fixture));

  it("names the object, the field, old → new, why and the ways out", () => {
    assert.match(message, /^Deployment web\/api: field is immutable: /);
    assert.ok(message.includes('spec.selector.matchLabels.tier "fe" → "frontend"'), message);
    assert.ok(message.includes(blocking(fixture)[0]!.message), "the rule's why");
    for (const part of ["blue-green", "kustomize.toolkit.fluxcd.io/force: enabled", "Replace=true,Force=true", "revert the change"]) {
      assert.ok(message.includes(part), `${part}: ${message}`);
    }
    assert.ok(message.endsWith("[gitops-guard]"));
  });

  it("contains the phrase GitOps tools read as the API server's own immutable error", () => {
    assert.ok(FLUX_IMMUTABLE.some((re) => re.test(message)));
  });

  it("points at kustomize labels/includeSelectors when a selector is involved, and only then", () => {
    assert.match(message, /includeSelectors: false/);
    const job = "rules/batch/job-template-image.yaml";
    const other = immutableDenial(subjectOf(job), blocking(job));
    assert.doesNotMatch(other, /includeSelectors/);
    assert.match(other, /^Job shop\/db-migrate: field is immutable: spec\.template\.spec\.containers\[0\]\.image/);
  });

  it("names at most three changes, then +N more", () => {
    const base = blocking(fixture)[0]!;
    const findings = [0, 1, 2, 3, 4].map((i) => ({ ...base, path: `spec.selector.matchLabels.k${i}`, from: `a${i}`, to: `b${i}` }));
    const text = immutableDenial(subjectOf(fixture), findings);
    for (const i of [0, 1, 2]) assert.ok(text.includes(`spec.selector.matchLabels.k${i} "a${i}" → "b${i}"`));
    assert.ok(!text.includes("k3") && !text.includes("k4"));
    assert.match(text, /; \+2 more/);
  });

  it("cuts long values", () => {
    const base = blocking(fixture)[0]!;
    const text = immutableDenial(subjectOf(fixture), [{ ...base, from: "x".repeat(500), to: "y".repeat(500) }]);
    assert.ok(!text.includes("x".repeat(100)));
    assert.ok(text.length < 1000);
  });

  it("shows (absent) for a removed value", () => {
    const base = blocking(fixture)[0]!;
    const text = immutableDenial(subjectOf(fixture), [{ ...base, to: undefined }]);
    assert.ok(text.includes('"fe" → (absent)'), text);
  });

  it("never shows Secret values", () => {
    const secret = "rules/core/secret-immutable-data-change.yaml";
    const pair = loadPair(secret);
    const text = immutableDenial(subjectOf(secret), blocking(secret));
    const data = pair.old["data"] as Record<string, string>;
    const changed = pair.new["data"] as Record<string, string>;
    for (const value of [data["password"]!, changed["password"]!]) assert.ok(!text.includes(value), `leaked ${value}: ${text}`);
    assert.ok(text.includes("data.password (<redacted>)"), text);
  });
});

describe("dataBearingDenial", () => {
  const fixture = "rules/core/pvc-shrink.yaml";
  const message = dataBearingDenial(subjectOf(fixture), blocking(fixture));

  it("avoids every phrase Flux reads as an immutable error", () => {
    for (const re of FLUX_IMMUTABLE) assert.doesNotMatch(message, re);
  });

  it("names the object, the change, and the claim migration procedure", () => {
    assert.match(message, /^PersistentVolumeClaim db\/data-postgres-0 holds data and cannot be changed in place: /);
    assert.ok(message.includes('spec.resources.requests.storage "20Gi" → "10Gi"'), message);
    assert.match(message, /create a new claim.*copy the data.*VolumeSnapshot/);
    assert.match(message, /never recreates it automatically/);
  });

  it("gives the general migration procedure for other data-bearing kinds", () => {
    const sts = "decide/statefulset-deletes-claims.yaml";
    const text = dataBearingDenial(subjectOf(sts), blocking(sts));
    assert.match(text, /^StatefulSet data\/db holds data/);
    assert.match(text, /create the new object alongside/);
    for (const re of FLUX_IMMUTABLE) assert.doesNotMatch(text, re);
  });

  it("keeps the no-immutable-wording promise when a policy custom rule's message says \"is immutable\"", () => {
    // Policy authors write customRules messages; "size is immutable" is a natural one. Quoted as the
    // why of a 403, it would make Flux (force: enabled) delete and recreate the claim.
    const rules = customRulesToRules([
      { id: "team.pvc.size", kind: "PersistentVolumeClaim", path: "spec.resources", class: "declared", message: "the claim size is immutable here" },
    ]);
    const pair = loadPair(fixture);
    const findings = findFindings(createCatalogue(rules), { old: pair.old, new: pair.new });
    assert.equal(findings.length, 1);
    const text = dataBearingDenial(subjectOf(fixture), findings);
    for (const re of FLUX_IMMUTABLE) assert.doesNotMatch(text, re, text);
  });

  it("never shows Secret values", () => {
    const secret = "rules/core/secret-immutable-data-change.yaml";
    const text = dataBearingDenial(subjectOf(secret), blocking(secret));
    assert.ok(!text.includes("cm90YXRlZA==") && !text.includes("czNjcjN0LcOE"), text);
  });
});

describe("recreateDenial", () => {
  it("says field is immutable and that the object is marked for recreate", () => {
    const fixture = "rules/apps/deployment-selector-common-labels.yaml";
    const text = recreateDenial(subjectOf(fixture), blocking(fixture));
    assert.match(text, /^Deployment web\/api: field is immutable: spec\.selector\.matchLabels\.tier "fe" → "frontend"; marked for recreate/);
    assert.ok(text.includes("gitops-guard.io/replace: recreate"));
  });

  it("names a cluster-scoped object without a namespace", () => {
    const fixture = "rules/other/crd-group.yaml";
    const findings = blocking(fixture);
    assert.ok(findings.length > 0);
    assert.match(recreateDenial(subjectOf(fixture), findings), /^CustomResourceDefinition [^/ ]+: field is immutable/);
  });
});

describe("shortWarning", () => {
  it("keeps text up to 120 characters and cuts longer text to exactly 120, ending in …", () => {
    assert.equal(MAX_WARNING_CHARS, 120);
    const fits = "w".repeat(120);
    assert.equal(shortWarning(fits), fits);
    const cut = shortWarning("w".repeat(121));
    assert.equal(cut.length, 120);
    assert.ok(cut.endsWith("…"));
  });

  it("never exceeds 120 characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const warning = shortWarning(text);
        assert.ok(Array.from(warning).length <= MAX_WARNING_CHARS);
        assert.ok(!hasControlCharacters(warning), "no control characters");
        // Plain text (no control characters, no runs of spaces, no edge spaces) is kept as it is, or cut.
        const plain = !hasControlCharacters(text) && !/ {2}|^ | $/.test(text);
        if (plain && Array.from(text).length <= MAX_WARNING_CHARS) assert.equal(warning, text);
        else if (plain) assert.ok(text.startsWith(warning.slice(0, -1)));
      }),
    );
  });
});

describe("shortWarning and control characters", () => {
  it("turns newlines and tabs into single spaces (kube-apiserver drops warnings holding control characters)", async () => {
    const { shortWarning } = await import("../../../src/core/decide/denial-message.ts");
    assert.equal(shortWarning("selector changed\n"), "selector changed");
    assert.equal(shortWarning("a\tb\n\nc\u007f"), "a b c");
    assert.ok(!hasControlCharacters(shortWarning(`${"x".repeat(200)}\n`)));
  });
});
