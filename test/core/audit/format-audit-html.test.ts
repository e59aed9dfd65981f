import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { FIXTURES } from "../../support/load-yaml.ts";
import { runCli } from "../../support/run-cli.ts";
import { jsonForScript } from "../../../src/core/audit/html-escape.ts";

describe("formatAuditHtml (without a browser)", () => {
  it("is one self-contained file: no external reference, a CSP that forbids any fetch", async () => {
    const result = await runCli(["audit", "--format", "html", join(FIXTURES, "audit", "records-v1.jsonl"), join(FIXTURES, "audit", "kube-audit.jsonl")]);
    assert.equal(result.code, 0, result.stderr);
    const html = result.stdout;
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /\s(src|href)="(?!#)/, "no src and no href other than in-page anchors");
    assert.doesNotMatch(html, /@import|url\(/, "no CSS that loads anything");
  });

  it("embeds JSON that no value can close the script element with", () => {
    const text = jsonForScript({ ns: "</script><script>alert(1)</script>", sep: "\u2028" });
    assert.doesNotMatch(text, /<\/script/i);
    assert.deepEqual(JSON.parse(text), { ns: "</script><script>alert(1)</script>", sep: "\u2028" });
  });
});
