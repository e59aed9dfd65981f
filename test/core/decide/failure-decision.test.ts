import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { failureDecision } from "../../../src/core/decide/failure-decision.ts";
import { denialOf, revertOf } from "../../../src/core/decide/decision.ts";

describe("failureDecision", () => {
  it("fails open by default: allows, with a warning naming the error code", () => {
    const decision = failureDecision("open", "enforce", "ERR_INTERNAL");
    assert.equal(decision.action, "allow");
    assert.equal(decision.enforcedAction, "allow");
    assert.equal(denialOf(decision), undefined);
    assert.deepEqual(decision.warnings, ["gitops-guard failed open (ERR_INTERNAL): request not checked"]);
    assert.deepEqual(decision.findings, []);
    assert.deepEqual(revertOf(decision), []);
    assert.match(decision.reason, /ERR_INTERNAL.*open/);
  });

  it("fails closed in enforce mode: denies with 500", () => {
    const decision = failureDecision("closed", "enforce", "ERR_INTERNAL");
    assert.equal(decision.action, "deny");
    assert.equal(decision.enforcedAction, "deny");
    assert.equal(denialOf(decision)?.code, 500);
    assert.match(denialOf(decision)?.message ?? "", /could not decide \(ERR_INTERNAL\) and fails closed/);
    assert.deepEqual(decision.warnings, []);
  });

  it("never denies in audit or off mode, even when closed", () => {
    for (const mode of ["audit", "off"] as const) {
      const decision = failureDecision("closed", mode, "ERR_POLICY_INVALID");
      assert.equal(decision.action, "allow", mode);
      assert.equal(decision.mode, mode);
      assert.equal(denialOf(decision), undefined);
      assert.equal(decision.warnings.length, 1);
    }
  });

  it("keeps its warning within 120 characters", () => {
    for (const failureMode of ["open", "closed"] as const) {
      for (const w of failureDecision(failureMode, "audit", "ERR_KUBE_UNAVAILABLE").warnings) assert.ok(w.length <= 120, w);
    }
  });
});
