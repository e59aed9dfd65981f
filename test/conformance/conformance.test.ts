import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { findFindings } from "../../src/core/rules/find-findings.ts";
import { compareObjects } from "../../src/core/compare/compare-objects.ts";
import { mutateRequest, type AdmissionContext } from "../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../src/core/admission/admission-review.ts";
import { getAt, parsePathPattern, pathLeadsTo, type PathSegment } from "../../src/core/k8s/field-path.ts";
import type { JsonObject } from "../../src/core/k8s/json.ts";
import { groupOf } from "../../src/core/k8s/kube-object.ts";
import type { Policy } from "../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../src/adapters/fs/package-root.ts";
import { catalogueAt } from "../support/rule-case.ts";
import { NEWEST_KNOWN_RELEASE, formatRelease } from "../../src/core/kube/kube-release.ts";
import { acceptAnswer, type AcceptedAnswer } from "../support/apiserver-acceptance.ts";
import { httpsRequest } from "../support/https-client.ts";
import { startTestWebhook, DECIDE_ON, type TestWebhook } from "../support/webhook-server.ts";
import { conformancePairs, type ConformancePair } from "../support/conformance-pairs.ts";
import { asStored, updateReview } from "../support/update-review.ts";

/**
 * Conformance of the immutable-field engine with kube-apiserver (v1.33–v1.37, default feature
 * gates unless the header sets some). Every file under pairs/<group>-<kind>/ holds three YAML
 * documents: a header saying what the API server does with the UPDATE (reference/k8s-immutable-fields.md,
 * reference/k8s-immutability-1.34-plus.md, or the Kubernetes source it names), the live object as
 * the API server stores it, and the object it is asked to store. A pair whose verdict changed
 * between releases exists once per release range (`since`/`until`), and is judged with the
 * catalogue of every release in its range.
 */
const pairs = conformancePairs();
type Pair = ConformancePair;

/** True when `path` is `prefix` or lies below it (segment-wise, so label keys with dots are safe). */
function atOrBelow(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

function stringAt(object: JsonObject, ...segments: string[]): string {
  const value = getAt(object, segments);
  return typeof value === "string" ? value : "";
}

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

const NEWEST = formatRelease(NEWEST_KNOWN_RELEASE);

function catalogueOf(pair: Pair, release: string) {
  return catalogueAt(release, pair.header.featureGates);
}

function context(pair: Pair, release: string): AdmissionContext {
  return { catalogue: catalogueOf(pair, release), policy, guardNamespace: "gitops-guard" };
}

/** The review kube-apiserver sends for the pair (to the pair's subresource when it names one). */
function reviewOf(pair: Pair, index: number, by: "kubectl" | "flux") {
  const raw = updateReview(pair.old, pair.new, index, by);
  if (pair.header.subresource) raw.request["subResource"] = pair.header.subresource;
  return raw;
}

/** Pairs the HTTPS webhook (newest release, default gates) judges like the catalogue it was built for. */
const servedPairs = pairs.filter((p) => p.releases.includes(NEWEST) && Object.keys(p.header.featureGates).length === 0);

describe("conformance corpus", () => {
  it("covers at least 200 pairs across at least 45 kinds", () => {
    const kinds = new Set(pairs.map((p) => `${groupOf(stringAt(p.new, "apiVersion"))}/${stringAt(p.new, "kind")}`));
    assert.ok(pairs.length >= 200, `only ${pairs.length} pairs`);
    assert.ok(kinds.size >= 45, `only ${kinds.size} kinds`);
    assert.ok(pairs.some((p) => p.header.expect === "refused") && pairs.some((p) => p.header.expect === "accepted"));
  });
});

describe("check: findings agree with kube-apiserver", () => {
  for (const pair of pairs) for (const release of pair.releases) {
    it(`${pair.name} (${pair.header.expect} on ${release})`, () => {
      const findings = findFindings(catalogueOf(pair, release), { old: pair.old, new: pair.new, ...(pair.header.subresource ? { subresource: pair.header.subresource } : {}) });
      const shown = JSON.stringify(findings.map((f) => [f.ruleId, f.path, f.class, f.severity]));
      const blocking = findings.filter((f) => f.severity === "blocking");
      if (pair.header.expect === "accepted") {
        assert.deepEqual(blocking.map((f) => `${f.ruleId} ${f.path}`), [], `${pair.header.why}`);
        return;
      }
      for (const path of pair.header.paths) {
        const prefix = parsePathPattern(path);
        const hit = findings.find(
          (f) => (f.severity === "blocking" || f.class === "server-assigned") && atOrBelow(f.segments, prefix),
        );
        assert.ok(hit, `expected a blocking or server-assigned finding at or below ${path} (${pair.header.why}); got ${shown}`);
      }
    });
  }
});

function checkAnswer(pair: Pair, answer: AcceptedAnswer, live: JsonObject, label: string, release: string = NEWEST): void {
  const summary = `${label}: ${answer.allowed ? "allowed" : `denied ${answer.code ?? ""}`}; patch ${JSON.stringify(answer.patch.map((op) => op.path))}`;
  if (pair.header.expect === "accepted") {
    assert.equal(answer.allowed, true, `accepted change denied (${summary}): ${answer.message ?? ""}`);
    const outside = answer.patch.filter((op) => !op.path.startsWith("/metadata/") && op.path !== "/metadata");
    assert.deepEqual(outside.map((op) => op.path), [], `accepted change patched outside metadata (${summary})`);
    return;
  }
  if (!answer.allowed) return;
  // Semantically equal, as apiequality.Semantic.DeepEqual judges it: an empty map or list is the
  // same as none (a reverted nodeSelector key may leave `nodeSelector: {}`), an empty struct behind
  // a pointer is not (a restore must not leave `affinity: {}` where the live object has none).
  const pointerStructs = catalogueOf(pair, release).pointerStructsFor(groupOf(stringAt(live, "apiVersion")), stringAt(live, "kind"), pair.header.subresource);
  const stored = answer.patchedObject ? asStored(answer.patchedObject) : undefined;
  for (const path of pair.header.paths) {
    const segments = parsePathPattern(path);
    const under = pointerStructs
      .filter((p) => pathLeadsTo(segments, p))
      .map((p) => p.slice(segments.length));
    const left = compareObjects(getAt(live, segments), getAt(stored, segments), { ignore: [], pointerStructs: under });
    assert.deepEqual(left.map((c) => c.path.join(".")), [], `refused change allowed with ${path} not at the live value (${summary})`);
  }
}

describe("/mutate: the answer leaves kube-apiserver nothing to refuse and changes nothing it accepts", () => {
  pairs.forEach((pair, index) => {
    for (const release of pair.releases) it(`${pair.name} (${pair.header.expect} on ${release})`, () => {
      const raw = reviewOf(pair, index, "kubectl");
      const review = admissionReviewSchema.parse(raw);
      const outcome = mutateRequest(review.request, context(pair, release));
      const body: unknown = JSON.parse(
        JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })),
      );
      const answer = acceptAnswer(raw, body, "mutating");
      checkAnswer(pair, answer, pair.old, `${outcome.decision.action}: ${outcome.decision.reason}`, release);
    });
  });
});

/**
 * The same reviews over HTTPS to the real server, as kube-apiserver sends them, twice: applied by
 * kubectl (the default policy denies an unowned conflict) and applied by Flux's
 * kustomize-controller with its owner labels on both objects (the default policy marks: the
 * refused paths are put back at their live values and the object is annotated for replacement).
 * Either way kube-apiserver must be left nothing to refuse, and an accepted change must pass with
 * no patch outside metadata.
 */
for (const decideOn of DECIDE_ON) describe(`/mutate over HTTPS, applied by kubectl and by Flux (deciding on the ${decideOn})`, () => {
  let hook: TestWebhook;
  before(async () => {
    hook = await startTestWebhook({ decideOn });
  });
  after(async () => {
    await hook.close();
  });

  it(`answers all ${servedPairs.length} pairs that hold on ${NEWEST} both ways the way kube-apiserver accepts, the same as a dry run and in v1beta1`, async () => {
    let marked = 0;
    let denied = 0;
    for (const [index, pair] of servedPairs.entries()) {
      for (const [label, raw] of [["kubectl", reviewOf(pair, index, "kubectl")], ["flux", reviewOf(pair, index + servedPairs.length, "flux")]] as const) {
        const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
        assert.equal(res.status, 200, `${pair.name} (${label}): HTTP ${res.status} ${res.text}`);
        const answer = acceptAnswer(raw, res.json(), "mutating");
        checkAnswer(pair, answer, raw.request.oldObject, `${pair.name} (${label})`);
        if (pair.header.expect === "refused" && answer.allowed && answer.patch.length > 0) marked++;
        if (!answer.allowed) denied++;
        // The same request as a dry run, and as admission.k8s.io/v1beta1, gets the same answer.
        const dryRun = { ...raw, request: { ...raw.request, uid: `${raw.request.uid}-dry`, dryRun: true, options: { ...(raw.request["options"] as JsonObject), dryRun: ["All"] } } };
        const v1beta1 = { ...raw, apiVersion: "admission.k8s.io/v1beta1", request: { ...raw.request, uid: `${raw.request.uid}-beta` } };
        for (const [variant, sent] of [["dry run", dryRun], ["v1beta1", v1beta1]] as const) {
          const again = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(sent) });
          const same = acceptAnswer(sent, again.json(), "mutating");
          assert.deepEqual([same.allowed, same.code, same.patch], [answer.allowed, answer.code, answer.patch], `${pair.name} (${label}, ${variant}) answered differently`);
        }
        // /validate answers every one of them too, never with a patch.
        const validated = await httpsRequest({ url: `${hook.url}/validate`, ca: hook.ca, body: JSON.stringify(raw) });
        assert.equal(validated.status, 200, `${pair.name} (${label}) /validate: HTTP ${validated.status} ${validated.text}`);
        acceptAnswer(raw, validated.json(), "validating");
      }
    }
    // Both outcomes of a refused change are exercised: the Flux-applied ones are mostly marked.
    assert.ok(marked > 50, `only ${marked} refused changes were patched back`);
    assert.ok(denied > 50, `only ${denied} changes were denied`);
  });
});
