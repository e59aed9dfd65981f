import assert from "node:assert/strict";
import type { Finding } from "../../src/core/findings/finding.ts";
import { expectFindings } from "./rule-case.ts";

/**
 * A risky case: the API server accepts the change (no blocking finding at all) and, when `paths`
 * is given, the rule warns at each of them (class risky, severity warning, strategy review);
 * with `paths` empty the rule must stay silent.
 */
export function expectRisky(fixture: string, ruleId: string, paths: readonly string[]): Finding[] {
  const findings = expectFindings(fixture, { accepted: true });
  const own = findings.filter((f) => f.ruleId === ruleId);
  if (paths.length === 0) {
    assert.deepEqual(own.map((f) => f.path), [], `${fixture}: expected no ${ruleId} finding`);
    return findings;
  }
  for (const path of paths) {
    const hit = own.find((f) => f.path === path);
    assert.ok(hit, `${fixture}: expected ${ruleId} at ${path}; got ${JSON.stringify(findings.map((f) => [f.ruleId, f.path]))}`);
    assert.equal(hit.class, "risky");
    assert.equal(hit.severity, "warning");
    assert.equal(hit.strategy, "review");
  }
  return findings;
}
