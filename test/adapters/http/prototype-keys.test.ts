import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { reviewDecision, type ReviewDecision } from "../../../src/core/admission/review-decision.ts";
import { activePolicy } from "../../../src/core/policy/active-policy.ts";
import { reviewAftermath, type Aftermath } from "../../../src/adapters/decision-thread/review-aftermath.ts";
import { parsePolicyText } from "../../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../../src/adapters/fs/package-root.ts";
import { rawReview } from "../../support/load-review.ts";
import { PROTOTYPE_KEYS } from "../../support/prototype-keys.ts";

const loaded = parsePolicyText(readFileSync(defaultPolicyPath(), "utf8"));
if (!loaded.ok) throw new Error("default policy invalid");
const ACTIVE = activePolicy(loaded.value, "test", []);

type Decided = Extract<ReviewDecision, { kind: "decided" }> & Aftermath;

/** Decides a review given as JSON text, exactly as serve does (reviewDecision, then its aftermath). */
function decideText(webhook: "mutate" | "validate", text: string): Decided {
  const decided = reviewDecision(webhook, text, ACTIVE, "gitops-guard");
  assert.equal(decided.kind, "decided", "the review parses");
  const after = reviewAftermath(webhook, decided as Extract<ReviewDecision, { kind: "decided" }>, ACTIVE, {
    receivedAt: 0, startedNs: 0n, monotonicNs: () => 0n, isoTime: () => "1970-01-01T00:00:00Z", recording: true,
  });
  return { ...(decided as Extract<ReviewDecision, { kind: "decided" }>), ...after };
}

/** What must not depend on a key's name: the verdict, whether there is a patch, the record. */
function essence(outcome: Decided): unknown {
  const record = outcome.record?.();
  return {
    allowed: outcome.answer.response.allowed,
    patched: outcome.answer.response.patch !== undefined,
    code: outcome.answer.response.status?.code,
    error: outcome.error?.code,
    action: outcome.observation.decision.action,
    rules: outcome.observation.decision.findings.map((f) => f.ruleId).sort(),
    recorded: record !== undefined,
  };
}

type Review = ReturnType<typeof rawReview>;
type Obj = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): Obj => path.reduce((node, key) => (node as Obj)[key], value) as Obj;

/** A key written as an own property, whatever its name (an assignment of "__proto__" would set the prototype). */
function put(target: Obj, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Scenarios in which a map key's name must not matter, each built from an example review. */
const SCENARIOS: { name: string; webhook: "mutate" | "validate"; file: string; edit: (review: Review, key: string) => void }[] = [
  {
    name: "a selector key dropped from the pod template labels (Flux-owned Deployment)",
    webhook: "mutate",
    file: "deployment-image-update.json",
    edit: (review, key) => {
      for (const side of ["object", "oldObject"]) put(at(review.request, side, "spec", "selector", "matchLabels"), key, "v");
      put(at(review.request, "oldObject", "spec", "template", "metadata", "labels"), key, "v");
    },
  },
  {
    name: "a selector key dropped from the pod template labels (a Deployment no GitOps tool owns)",
    webhook: "mutate",
    file: "deployment-image-update.json",
    edit: (review, key) => {
      for (const side of ["object", "oldObject"]) {
        const labels = at(review.request, side, "metadata", "labels");
        for (const owner of Object.keys(labels).filter((k) => k.startsWith("kustomize.toolkit.fluxcd.io/"))) delete labels[owner];
        put(at(review.request, side, "spec", "selector", "matchLabels"), key, "v");
      }
      put(at(review.request, "oldObject", "spec", "template", "metadata", "labels"), key, "v");
    },
  },
  {
    name: "a selector change that adds the key (commonLabels)",
    webhook: "mutate",
    file: "deployment-image-update.json",
    edit: (review, key) => {
      put(at(review.request, "object", "spec", "selector", "matchLabels"), key, "v");
      put(at(review.request, "object", "spec", "template", "metadata", "labels"), key, "v");
    },
  },
  {
    name: "a label and an annotation changed on the object",
    webhook: "mutate",
    file: "deployment-selector-change.json",
    edit: (review, key) => {
      put(at(review.request, "oldObject", "metadata", "labels"), key, "old");
      put(at(review.request, "object", "metadata", "labels"), key, "new");
      const annotations = (at(review.request, "object", "metadata").annotations ??= {}) as Obj;
      put(annotations, key, "a");
    },
  },
  {
    name: "a ConfigMap deleted whose data holds the key",
    webhook: "validate",
    file: "configmap-delete.json",
    edit: (review, key) => put(at(review.request, "oldObject", "data"), key, "value"),
  },
  {
    name: "a Job template label dropped",
    webhook: "mutate",
    file: "job-template-change.json",
    edit: (review, key) => put(at(review.request, "oldObject", "spec", "template", "metadata", "labels"), key, "x"),
  },
];

describe("a map key named like an Object.prototype member is data, judged like any other key", () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, () => {
      const textWith = (key: string): string => {
        const review = rawReview(scenario.file);
        scenario.edit(review, key);
        const text = JSON.stringify(review);
        assert.ok(text.includes(`"${key}"`), `the edit wrote ${key}`);
        return text;
      };
      const reference = essence(decideText(scenario.webhook, textWith("plainkey")));
      for (const key of PROTOTYPE_KEYS) {
        assert.deepEqual(essence(decideText(scenario.webhook, textWith(key))), reference, `key ${key}`);
      }
    });
  }
});
