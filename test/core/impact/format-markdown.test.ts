import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { analyzeImpact } from "../../../src/core/impact/analyze-impact.ts";
import { formatImpactMarkdown, GITHUB_COMMENT_MAX_CHARS, MARKDOWN_MARKER } from "../../../src/core/impact/format-markdown.ts";
import type { ImpactReport } from "../../../src/core/impact/impact-report.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { loadManifestObjects } from "../../support/manifest-objects.ts";

function reportOf(name: string): ImpactReport {
  const result = analyzeImpact({
    before: loadManifestObjects(`check/${name}/before.yaml`),
    after: loadManifestObjects(`check/${name}/after.yaml`),
    catalogue: builtinCatalogue(),
  });
  assert.ok(result.ok);
  return result.report;
}

describe("formatImpactMarkdown", () => {
  const report = reportOf("cascade");
  const md = formatImpactMarkdown(report, { lineOf: (_l, path) => (path === "spec.selector.matchLabels.tier" ? 20 : 10) });

  it("starts with the sticky marker, then a one-screen summary with the risk badge and a replace banner", () => {
    assert.ok(md.startsWith(`${MARKDOWN_MARKER}\n## gitops-guard check: risk 🟠 high\n`));
    assert.match(md, /### ⚠️ 1 object can only take this change by being \*\*replaced\*\*/);
    assert.match(md, /\| 0 \| 1 \| 3 \| 15 \| 1 \| 1 \| 12 \| 5 \|/);
    assert.ok(md.indexOf("<details>") > md.indexOf("Objects by risk"), "the summary comes before any object");
  });

  it("has one balanced <details> per object, riskiest first, with the changed line and the cascade", () => {
    assert.equal(md.match(/<details><summary>(➕|➖|✏️)/gu)?.length, report.resources.length);
    assert.equal(md.match(/<\/details>/g)?.length, report.resources.length + 1, "the objects and the apply order");
    assert.match(md, /<summary>Apply order \(4 steps\)<\/summary>\n\n1\. apply ConfigMap web\/api-config\n/);
    assert.match(md, /<summary>✏️ <b>Deployment web\/api<\/b>/);
    assert.match(md, /`check\/cascade\/after\.yaml:20`/);
    assert.match(md, /```diff\n- spec\.selector\.matchLabels\.tier: "fe"\n\+ spec\.selector\.matchLabels\.tier: "frontend"/);
    assert.match(md, /- \*\*dangling\*\* Service web\/api \(selects\): after this change Service web\/api selects no pods/);
    assert.match(md, /- \[ \] `approval`/);
    const low = md.indexOf("<b>ConfigMap web/api-config</b>");
    assert.ok(low > md.indexOf("<b>RoleBinding web/api-reader</b>"), "the low-risk object comes last");
  });

  it("flags data at risk", () => {
    assert.match(formatImpactMarkdown(reportOf("deletion")), /### 🔴 Data at risk: `PersistentVolumeClaim/);
  });

  it("stays under the limit with an explicit note of what is not shown", () => {
    const many: ImpactReport = { ...report, order: [], resources: Array.from({ length: 400 }, (_, i) => ({ ...report.resources[0]!, name: `api-${i}` })) };
    const big = formatImpactMarkdown(many);
    assert.ok(big.length <= GITHUB_COMMENT_MAX_CHARS, String(big.length));
    const shown = big.match(/<details>/g)?.length ?? 0;
    assert.ok(shown > 10 && shown < 400);
    assert.match(big, new RegExp(`\\*\\*${400 - shown} more not shown\\*\\*`));
    assert.equal(big.match(/<\/details>/g)?.length, shown);
  });

  it("escapes HTML and table pipes from manifest values, and never lets a value close a fence", () => {
    const hostile: ImpactReport = {
      ...report,
      order: [],
      resources: [
        {
          ...report.resources[0]!,
          name: "<script>x|y",
          findings: [{ ...report.resources[0]!.findings[0]!, message: "a|b <img>", to: "```\n</details>" }],
        },
      ],
    };
    const out = formatImpactMarkdown(hostile);
    assert.ok(!out.includes("<script>") && !out.includes("<img>"));
    assert.match(out, /a\\\|b &lt;img&gt;/);
    // Inside a fenced block GitHub shows HTML as text: only the closing tag on its own line ends the section.
    assert.equal(out.match(/^<\/details>$/gm)?.length, 1, "the value's </details> stays inside the code block");
    assert.match(out, /^\+ spec\.selector\.matchLabels\.tier: "```\\n<\/details>"$/m);
    assert.match(out, /````diff/);
  });
});

describe("formatImpactMarkdown rendered as GitHub-flavoured Markdown (marked)", () => {
  it("renders the example's comment to HTML with one <details> per object, real tables and a diff block", async () => {
    const { marked } = await import("marked");
    const report = reportOf("cascade");
    const html = await marked.parse(formatImpactMarkdown(report), { gfm: true });
    assert.equal(html.match(/<details><summary>(➕|➖|✏️)/gu)?.length, report.resources.length);
    assert.ok((html.match(/<table>/g)?.length ?? 0) >= 2, "the summary and the findings are tables, not pipes");
    assert.match(html, /<code class="language-diff">- spec\.selector\.matchLabels\.tier: &quot;fe&quot;/);
    assert.match(html, /<h2>gitops-guard check: risk 🟠 high<\/h2>/);
    assert.ok(html.includes("<!-- gitops-guard:check -->"), "the marker stays a hidden comment");
    assert.ok(!/\|\s*---/.test(html), "no table left unrendered");
  });
});
