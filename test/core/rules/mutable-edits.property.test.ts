import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { groupOf } from "../../../src/core/k8s/kube-object.ts";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { builtinCatalogue, catalogueAt } from "../../support/rule-case.ts";
import { editBases, kindKey, releaseOf, type EditBase } from "../../support/edit-bases.ts";
import { seededRand, type MutableEdit } from "../../support/mutable-edit.ts";
import { EQUIVALENT_REWRITES, withQuantityVolumes } from "../../support/equivalent-rewrites.ts";
import { loadDocuments } from "../../support/load-yaml.ts";
import { MUTABLE_KIND_EDITS, mutableEditsFor } from "../../support/mutable-edits.ts";
import { reachesWebhook } from "../../support/random-edits.ts";

/**
 * Metamorphic hunt for false positives of the immutable-field catalogue: a change that touches
 * only fields kube-apiserver lets an UPDATE change (test/support/mutable-*-edits.ts, each edit with
 * its Kubernetes source) must never get a blocking finding, or the webhook would deny (or patch
 * back) a change the API server accepts. The objects are the conformance corpus' stored objects
 * (every pair's live object, and the new object of each accepted pair, itself a valid stored
 * state), edited from themselves or, for accepted pairs, on top of the accepted change.
 *
 * A second relation: rewrites that leave the object the same to kube-apiserver (a Quantity spelt
 * otherwise, a default omitted, null or empty for an absent optional field;
 * test/support/equivalent-rewrites.ts) on top of mutable edits.
 *
 * The hunt that wrote this file ran about 360 000 mutable-edit cases (80 seeds × 5000 runs, half
 * with lists grown by random-edits.ts' grownPair) and about 300 000 rewrite cases. The mutable
 * edits found only mistakes of the edit list (fixed: an Indexed Job's parallelism after an elastic
 * completions change; LoadBalancer → NodePort → LoadBalancer dropping loadBalancerClass), no
 * catalogue bug. The rewrites found the five false positives pinned below
 * (test/fixtures/rules/false-positives/), all pod-spec Quantities and one default that
 * src/core/rules/catalogue/pod-spec-defaults.ts does not normalise (core.Pod.spec, batch.Job.template);
 * the rewrite property fails with them until that is fixed. Seeds are fixed so CI is
 * deterministic; fast-check prints the shrunk counterexample.
 */
const SEED = 20250923;
// 3000 runs of each property take about 0.3 s.
const NUM_RUNS = 3000;

function bases(): EditBase[] {
  return editBases((kind) => MUTABLE_KIND_EDITS.has(kind), { acceptedAsLive: true });
}

interface Outcome {
  readonly applied: string[];
  readonly incoming: JsonObject;
}

type Picks = readonly (readonly [number, number])[];

/** Applies picked edits to `incoming` (each `[pick, seed]` chooses an edit and its values); returns the fields changed. */
function applyPicks(edits: readonly MutableEdit[], incoming: JsonObject, live: JsonObject, picks: Picks): string[] {
  const applied: string[] = [];
  for (const [pick, seed] of picks) {
    const edit = edits[pick % edits.length];
    if (edit && edit.apply(incoming, live, seededRand(seed))) applied.push(edit.field);
  }
  return applied;
}

function editsOf(object: JsonObject, release?: string, featureGates: Readonly<Record<string, boolean>> = {}): readonly MutableEdit[] {
  const apiVersion = typeof object["apiVersion"] === "string" ? object["apiVersion"] : "";
  return mutableEditsFor(groupOf(apiVersion), String(object["kind"]), release, featureGates);
}

/** The base's own object with the picked mutable edits of its kind accepted on `release`. */
function edited(base: EditBase, picks: Picks, release: string): Outcome {
  const incoming = structuredClone(base.base);
  return { applied: applyPicks(editsOf(base.live, release, base.featureGates), incoming, base.live, picks), incoming };
}

/** Blocking findings, judged on `at` (a base and one of its releases), else on the newest release. */
function blocking(live: JsonObject, incoming: JsonObject, at?: { readonly base: EditBase; readonly release: string }): string[] {
  const catalogue = at ? catalogueAt(at.release, at.base.featureGates) : builtinCatalogue();
  return findFindings(catalogue, { old: live, new: incoming })
    .filter((f) => f.severity === "blocking")
    .map((f) => `${f.ruleId} at ${f.path}`);
}

const all = bases();

const picksArbitrary = (minLength: number, maxLength: number): fc.Arbitrary<Picks> =>
  fc.array(fc.tuple(fc.nat({ max: 1 << 16 }), fc.nat({ max: 1 << 30 })), { minLength, maxLength });

const caseArbitrary = fc.record({
  base: fc.noBias(fc.nat({ max: all.length - 1 })),
  /** Which of the base's releases to judge on. */
  release: fc.nat({ max: 16 }),
  picks: picksArbitrary(1, 4),
});

const rewriteArbitrary = fc.record({
  base: fc.noBias(fc.nat({ max: all.length - 1 })),
  release: fc.nat({ max: 16 }),
  /** Give both objects' pod specs quantity-bearing volumes and pod-level resources first. */
  quantityVolumes: fc.boolean(),
  edits: picksArbitrary(0, 2),
  rewrites: picksArbitrary(1, 3),
});

/** The false positives the hunt found, as accepted pairs (header, live, new). */
const FALSE_POSITIVES = [
  "job-template-empty-dir-size-limit-respelled",
  "job-template-ephemeral-volume-mode-omitted",
  "pod-empty-dir-size-limit-respelled",
  "pod-ephemeral-claim-storage-respelled",
  "pod-level-resources-respelled",
];

describe("catalogue on changes to mutable fields only (property)", () => {
  it("has corpus objects for every kind of the mutable-field list", () => {
    const covered = new Set(all.map((b) => kindKey(b.live)));
    const missing = [...MUTABLE_KIND_EDITS.keys()].filter((key) => !covered.has(key));
    assert.deepEqual(missing, []);
  });

  it("finds nothing blocking in the bases themselves (no edit)", () => {
    // With no edit: an object against itself, or an accepted pair as the corpus has it.
    const found = all.flatMap((b) => b.releases.flatMap((release) => blocking(b.live, b.base, { base: b, release }).map((f) => `${b.name} on ${release}: ${f}`)));
    assert.deepEqual(found, []);
  });

  it("finds nothing blocking when only mutable fields change", () => {
    fc.assert(
      fc.property(caseArbitrary, ({ base: index, release: pick, picks }) => {
        const base = all[index]!;
        const release = releaseOf(base, pick);
        const { applied, incoming } = edited(base, picks, release);
        fc.pre(applied.length > 0 && reachesWebhook(base.live, incoming));
        const found = blocking(base.live, incoming, { base, release });
        assert.deepEqual(found, [], `${base.name} on ${release}, edits ${applied.join(", ")}`);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });

  it("finds nothing blocking when frozen values are only re-spelt (same object to the API server)", () => {
    fc.assert(
      fc.property(rewriteArbitrary, ({ base: index, release: pick, quantityVolumes, edits, rewrites }) => {
        const base = all[index]!;
        const release = releaseOf(base, pick);
        const live = quantityVolumes ? withQuantityVolumes(base.live) : base.live;
        const incoming = quantityVolumes ? withQuantityVolumes(base.base) : structuredClone(base.base);
        const applied = [...applyPicks(editsOf(live, release, base.featureGates), incoming, live, edits), ...applyPicks(EQUIVALENT_REWRITES, incoming, live, rewrites)];
        fc.pre(applied.length > 0 && reachesWebhook(live, incoming));
        assert.deepEqual(blocking(live, incoming, { base, release }), [], `${base.name} on ${release}${quantityVolumes ? " with quantity volumes" : ""}, edits ${applied.join(", ")}`);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});

describe("false positives the hunt found (kube-apiserver accepts these pairs)", () => {
  for (const name of FALSE_POSITIVES) {
    it(`${name}: no blocking finding`, () => {
      const [header, old, incoming] = loadDocuments(`rules/false-positives/${name}.yaml`);
      assert.ok(isJsonObject(header) && header["expect"] === "accepted" && isJsonObject(old) && isJsonObject(incoming), `${name}: header, live, new`);
      assert.deepEqual(blocking(old, incoming), []);
    });
  }
});

describe("edits accepted from a release on (v1.36 suspended Jobs)", () => {
  const dated = mutableEditsFor("batch", "Job").filter((e) => e.since !== undefined);
  const againBase = all.find((b) => b.name === "batch-job/suspended-after-start-node-selector-1.36 (live)");

  it("apply to a Job suspended again after a run: accepted on 1.36 and 1.37, refused on 1.35", () => {
    assert.ok(againBase);
    assert.ok(dated.length >= 4);
    for (const edit of dated) {
      const incoming: JsonObject = structuredClone(againBase.live);
      assert.ok(edit.apply(incoming, againBase.live, seededRand(1)), edit.field);
      for (const release of ["1.36", "1.37"]) assert.deepEqual(blocking(againBase.live, incoming, { base: againBase, release }), [], `${edit.field} on ${release}`);
      assert.notDeepEqual(blocking(againBase.live, incoming, { base: { ...againBase, releases: ["1.35"] }, release: "1.35" }), [], `${edit.field} on 1.35`);
    }
  });
});
