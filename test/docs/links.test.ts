import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, globSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { packageRoot } from "../../src/adapters/fs/package-root.ts";

/**
 * Every relative link in the README, docs/ and bench/README.md resolves, and every #anchor names a
 * heading of its target. The code once cited a docs/check.md that had been folded into the README
 * (code review 2026-12, W12); this keeps the split from rotting the same way.
 */

const ROOT = packageRoot();
const PAGES = ["README.md", "bench/README.md", ...globSync("docs/**/*.md", { cwd: ROOT })].sort();

/** The text outside fenced code blocks and inline code spans, where links are links. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "")
    .replace(/`[^`\n]*`/g, "code");
}

/** Inline link targets: `[text](target)` and `![alt](target)`, without an optional "title". */
function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor for a heading: rendered text, lower case, punctuation dropped, spaces → "-". */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "").replace(/\s/g, "-");
}

/** Every anchor a page offers, numbered as GitHub numbers repeated headings (`x`, `x-1`, …). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with one link of `page` (a path relative to the root), or undefined. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [pathPart = "", anchor] = target.split("#", 2) as [string, string | undefined];
  const file = pathPart === "" ? join(ROOT, page) : join(ROOT, dirname(page), decodeURIComponent(pathPart));
  if (relative(ROOT, file).startsWith("..")) return `${target}: leaves the repository`;
  if (!existsSync(file)) return `${target}: ${relative(ROOT, file)} does not exist`;
  if (anchor === undefined || anchor === "") return undefined;
  if (statSync(file).isDirectory() || !file.endsWith(".md")) return `${target}: an anchor into a file that is not Markdown`;
  return anchorsOf(readFileSync(file, "utf8")).has(anchor) ? undefined : `${target}: no heading #${anchor} in ${relative(ROOT, file)}`;
}

describe("documentation links", () => {
  it("finds the pages and their links", () => {
    for (const page of ["README.md", "docs/README.md", "docs/architecture.md", "docs/policy.md", "docs/check.md", "bench/README.md"]) {
      assert.ok(PAGES.includes(page), `${page} is checked`);
    }
    const count = PAGES.reduce((n, page) => n + linkTargets(readFileSync(join(ROOT, page), "utf8")).length, 0);
    assert.ok(count >= 50, `at least 50 links checked (found ${count})`);
  });

  for (const page of PAGES) {
    it(`every relative link in ${page} resolves`, () => {
      const text = readFileSync(join(ROOT, page), "utf8");
      const broken = linkTargets(text).flatMap((target) => brokenLink(page, target) ?? []);
      assert.deepEqual(broken, []);
    });
  }

  it("links every docs page from docs/README.md", () => {
    const index = new Set(linkTargets(readFileSync(join(ROOT, "docs/README.md"), "utf8")));
    const pages = globSync("*.md", { cwd: join(ROOT, "docs") }).filter((p) => p !== "README.md");
    assert.deepEqual(pages.filter((p) => !index.has(p)), []);
  });

  it("reports a missing file, a missing heading and a code span as what they are", () => {
    assert.match(brokenLink("README.md", "docs/nope.md") ?? "", /does not exist/);
    assert.match(brokenLink("README.md", "docs/check.md#no-such-heading") ?? "", /no heading/);
    assert.equal(brokenLink("README.md", "docs/check.md#--policy-file"), undefined);
    assert.equal(brokenLink("README.md", "https://example.com/x#y"), undefined);
    assert.deepEqual(linkTargets("see `[a](b.md)` and\n```\n[c](d.md)\n```\n[e](f.md#g \"t\")"), ["f.md#g"]);
    assert.deepEqual([...anchorsOf("# A `b` c\n## A b c\n## JSON output (schema version 1)\n")], ["a-b-c", "a-b-c-1", "json-output-schema-version-1"]);
  });
});
