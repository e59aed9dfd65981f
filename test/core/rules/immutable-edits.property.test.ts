import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { catalogueAt } from "../../support/rule-case.ts";
import { editBases, kindKey, releaseOf, type EditBase } from "../../support/edit-bases.ts";
import { seededRand } from "../../support/mutable-edit.ts";
import { IMMUTABLE_EDITS, immutableEditsFor } from "../../support/immutable-edits.ts";
import { reachesWebhook } from "../../support/random-edits.ts";

/**
 * Metamorphic hunt for false negatives of the immutable-field catalogue, the reverse of
 * mutable-edits.property.test.ts: a change of exactly one field kube-apiserver refuses to change
 * (test/support/immutable-edits.ts, each edit with its Kubernetes source) must get a blocking
 * finding at, below or above the edited field, or the webhook lets through an apply the API server
 * then refuses (the stuck reconciliation the tool exists to prevent). The objects are the
 * conformance corpus' stored objects, edited from themselves or, for accepted pairs, on top of the
 * accepted change. A hunt of about 127 000 cases (every base × every edit × 40 seeds) found no
 * catalogue miss, only mistakes of the edit list (fixed). Seeds are fixed so CI is deterministic; fast-check prints the counterexample.
 */
const SEED = 20251126;
// 3000 runs take well under a second.
const NUM_RUNS = 3000;

const kinds = new Set(IMMUTABLE_EDITS.map((e) => e.kind));

function bases(): EditBase[] {
  return editBases((kind) => kinds.has(kind), { acceptedAsLive: false });
}

/** `a.b[2].c` → `a.b.c`: list positions do not matter for "at, below or above". */
function plain(path: string): string {
  return path.replace(/\[[^\]]*\]/g, "");
}

function related(findingPath: string, field: string): boolean {
  const a = plain(findingPath);
  const b = plain(field);
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`) || a === "";
}

function blockingAt(base: EditBase, release: string, incoming: JsonObject, field: string): string[] {
  return findFindings(catalogueAt(release, base.featureGates), { old: base.live, new: incoming })
    .filter((f) => f.severity === "blocking" && related(f.path, field))
    .map((f) => `${f.ruleId} at ${f.path}`);
}

const all = bases();

const caseArbitrary = fc.record({
  base: fc.noBias(fc.nat({ max: all.length - 1 })),
  /** Which of the base's releases to judge on. */
  release: fc.nat({ max: 16 }),
  pick: fc.nat({ max: 1 << 16 }),
  seed: fc.nat({ max: 1 << 30 }),
});

describe("catalogue on changes to immutable fields (property)", () => {
  it("has corpus objects for every kind of the immutable-field list", () => {
    const covered = new Set(all.map((b) => kindKey(b.live)));
    assert.deepEqual([...kinds].filter((k) => !covered.has(k)), []);
  });

  it("finds a blocking finding at the field when one frozen field changes", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ base: index, release: releasePick, pick, seed }) => {
        const base = all[index]!;
        const release = releaseOf(base, releasePick);
        const edits = immutableEditsFor(kindKey(base.live), release, base.featureGates);
        fc.pre(edits.length > 0);
        const edit = edits[pick % edits.length]!;
        const incoming = structuredClone(base.base);
        fc.pre(edit.apply(incoming, base.live, seededRand(seed)) && reachesWebhook(base.live, incoming));
        assert.notDeepEqual(blockingAt(base, release, incoming, edit.field), [], `${base.name} on ${release}: ${edit.field} (${edit.source})`);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
