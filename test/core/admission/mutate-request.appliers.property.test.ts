import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AdmissionContext } from "../../../src/core/admission/mutate-request.ts";
import { hasMark } from "../../../src/core/admission/mark-object.ts";
import { compareObjects } from "../../../src/core/compare/compare-objects.ts";
import { getAt, parsePathPattern } from "../../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadPair } from "../../support/load-yaml.ts";
import { pairsAtNewestRelease, type ConformancePair } from "../../support/conformance-pairs.ts";
import { editArbitrary, editedObject, growthArbitrary, grownPair, reachesWebhook } from "../../support/random-edits.ts";
import { applyDrop, dropArbitrary } from "../../support/server-assigned-drops.ts";
import { withReplaceMarks } from "../../support/replace-marks.ts";
import { asStored } from "../../support/update-review.ts";
import { APPLIERS, checkApply, runApply, type ApplyResult } from "../../support/check-apply.ts";
import { runFluxApply } from "../../support/check-flux-apply.ts";

/**
 * /mutate on random edits of the conformance corpus sent by every applier but Flux (Flux's own
 * property is mutate-request.property.test.ts): kubectl, helm-controller, the helm CLI, Argo CD,
 * kapp and a controller. Under the default policy their conflicts are denied and their dropped
 * server-assigned values restored (test/support/check-apply.ts lists the properties). Besides the
 * random edits of random-edits.ts, a case may drop server-assigned values as a full replace does
 * (server-assigned-drops.ts) and carry an earlier mark on either object (replace-marks.ts).
 *
 * The hunt that added this file ran about 1.5 million cases (6 appliers, 2–5 hundred thousand
 * each; many seeds of 3000 runs, up to 6 edits, 3 drops and 4 grown lists; some under a policy
 * marking every owner); what it found is below (two stale-mark bugs, fixed in mutate-request.ts:
 * a restore now also removes a stale mark, and a mark counts as stale only when the incoming
 * object carries the live object's mark unchanged).
 *
 * The seed is fixed so CI is deterministic (the cases depend on the seed and this file only).
 */
const SEED = 20250612;
// 400 runs per applier take about 0.2 s each (2400 in all, about 1.5 s with the unedited pairs).
const NUM_RUNS = 400;

// Judged with builtinCatalogue() (the newest release, default gates): the pairs whose verdict holds there.
const pairs = pairsAtNewestRelease();

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

function context(overrides: Partial<Policy> = {}): AdmissionContext {
  return { catalogue: builtinCatalogue(), policy: { ...policy, ...overrides }, guardNamespace: "gitops-guard" };
}

const caseArbitrary = fc.record({
  pair: fc.nat({ max: pairs.length - 1 }),
  grow: fc.array(growthArbitrary, { maxLength: 2 }),
  fromLive: fc.boolean(),
  edits: fc.array(editArbitrary, { maxLength: 4 }),
  drops: fc.array(dropArbitrary, { maxLength: 2 }),
  /** An earlier mark on the live object (the applier's object no longer carries it, or kept it), or only on the incoming one (set by hand). */
  marked: fc.constantFrom("none", "live", "incoming", "both"),
});

/** The conformance header's verdict: refused paths back at their live values, accepted ones patched in metadata only. */
function checkHeader(pair: ConformancePair, result: ApplyResult): void {
  const { answer } = result;
  const label = `${pair.name}: ${result.outcome.decision.reason}; patch ${JSON.stringify(answer.patch.map((op) => op.path))}`;
  if (pair.header.expect === "accepted") {
    assert.equal(answer.allowed, true, `accepted change denied (${label})`);
    assert.deepEqual(answer.patch.filter((op) => !op.path.startsWith("/metadata/")).map((op) => op.path), [], `accepted change patched outside metadata (${label})`);
    return;
  }
  if (!answer.allowed || !answer.patchedObject) return;
  for (const path of pair.header.paths) {
    const segments = parsePathPattern(path);
    const left = compareObjects(getAt(result.live, segments), getAt(asStored(answer.patchedObject), segments), { ignore: [] });
    assert.deepEqual(left.map((c) => c.path.join(".")), [], `refused ${path} allowed off its live value (${label})`);
  }
}

describe("mutateRequest on random updates by appliers other than Flux (property)", () => {
  for (const by of APPLIERS) {
    it(`${by}: every edited pair is denied, restored or allowed as kube-apiserver needs`, () => {
      const ctx = context();
      fc.assert(
        fc.property(caseArbitrary, ({ pair: index, grow, fromLive, edits, drops, marked }) => {
          const { old, new: grownNew } = grownPair(pairs[index]!, grow);
          const [base, other] = fromLive ? [old, grownNew] : [grownNew, old];
          const edited = editedObject(base, other, edits);
          for (const drop of drops) applyDrop(edited, drop);
          fc.pre(reachesWebhook(old, edited));
          const live = marked === "live" || marked === "both" ? withReplaceMarks(old) : old;
          const incoming = marked === "incoming" || marked === "both" ? withReplaceMarks(edited) : edited;
          checkApply(live, incoming, ctx, index, by);
        }),
        { seed: SEED, numRuns: NUM_RUNS },
      );
    });
  }

  for (const by of APPLIERS) {
    it(`${by}: every unedited pair, as the property and as its conformance header says`, () => {
      const ctx = context();
      pairs.forEach((pair, index) => checkHeader(pair, checkApply(pair.old, pair.new, ctx, index, by)));
    });
  }
});

describe("mutateRequest on updates by appliers other than Flux: what the property found", () => {
  it("a dropped Job selector is restored, and the foreign controller-uid template label with it (only live values)", () => {
    const { old: live, new: incoming } = loadPair("admission/appliers/job-dropped-selector-foreign-controller-uid.yaml");
    const result = checkApply(live, incoming, context(), 0, "kubectl");
    assert.equal(result.outcome.decision.action, "restore");
    const patched = result.answer.patchedObject;
    assert.deepEqual(getAt(patched, ["spec", "selector"]), getAt(live, ["spec", "selector"]));
    assert.deepEqual(getAt(patched, ["spec", "template", "metadata", "labels"]), getAt(live, ["spec", "template", "metadata", "labels"]));
  });

  it("a restore of a Helm-owned Job whose marked conflict is gone also removes the stale marks (one answer, not two)", () => {
    const { old: live, new: incoming } = loadPair("admission/appliers/job-restore-keeps-stale-mark.yaml");
    const ctx = context({ defaults: { ...policy.defaults, markOwners: ["flux", "helm"] } });
    const first = runApply(live, incoming, ctx, 0, "helm");
    assert.equal(first.answer.allowed, true);
    const patched: JsonObject | undefined = first.answer.patchedObject;
    assert.ok(patched);
    assert.equal(getAt(patched, ["spec", "template", "metadata", "labels", "job-name"]), "db-migrate", "the generated label is restored");
    assert.equal(hasMark(patched), false, `the stale marks stay (${first.outcome.decision.reason}; patch ${JSON.stringify(first.answer.patch)})`);
    const again = runApply(live, patched, ctx, 1, "helm");
    assert.deepEqual(again.answer.patch, [], `a reinvocation patches again (${again.outcome.decision.reason})`);
  });

  it("a reinvocation after a Flux object already marked is marked again keeps the new marks", () => {
    // Found with a policy marking every owner (markOwners: all tools, unowned: mark) and an earlier
    // mark on the live object; the same under the default policy for Flux, shown here.
    const { old: live, new: incoming } = loadPair("admission/appliers/configmap-remark-undone-by-reinvocation.yaml");
    const first = runFluxApply(live, incoming, context());
    assert.equal(first.outcome.decision.action, "mark");
    const patched = first.answer.patchedObject;
    assert.ok(patched && hasMark(patched));
    assert.equal(getAt(patched, ["data", "LOG_LEVEL"]), "info");
    const again = runFluxApply(live, patched, context(), 1);
    assert.deepEqual(again.answer.patch, [], `the reinvocation removed the new marks (${again.outcome.decision.reason})`);
  });
});
