import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { FIXTURES } from "../../support/load-yaml.ts";
import { runCli } from "../../support/run-cli.ts";
import { CHROMIUM_FLAGS, CHROMIUM_MISSING, findChromium } from "../../support/find-chromium.ts";
import type { AuditReport } from "../../../src/core/audit/audit-report.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** The screenshot people look at after a run (ignored by git; docs/audit-report.png is a copy of one). */
const SCREENSHOT = join(ROOT, ".tmp", "audit-report.png");
const INPUTS = [join(FIXTURES, "audit", "records-v1.jsonl"), join(FIXTURES, "audit", "kube-audit.jsonl")];

/** A record whose namespace tries to break out of the page: it must stay text (and fetch nothing). */
const HOSTILE = JSON.stringify({
  v: 1, time: "2026-12-01T17:00:00Z", webhook: "mutate", uid: "h", operation: "UPDATE", dryRun: false, group: "apps", version: "v1",
  kind: "Deployment", resource: "deployments", namespace: "</script><img src=https://example.invalid/x onerror=alert(1)>", name: "x",
  owner: "other", action: "deny", enforcedAction: "deny", mode: "enforce", reason: "r", allowed: false, code: 422,
  findings: [{ ruleId: "apps.Deployment.selector", path: "spec.selector", class: "immutable", severity: "blocking", to: "<b>" }],
  patchPaths: [], policyVersion: "p", latencyMs: 0.2,
});

/** A value of the JSON report by dotted path; `….sum` sums an object's counts. */
function valueAt(report: AuditReport, path: string): number {
  const parts = path.split(".");
  const sum = parts.at(-1) === "sum";
  let node: unknown = report;
  for (const part of sum ? parts.slice(0, -1) : parts) node = (node as Record<string, unknown>)[part];
  if (sum) return Object.values(node as Record<string, number>).reduce((a, b) => a + b, 0);
  return typeof node === "number" ? node : 0;
}

describe("the HTML report in a real browser (headless Chromium)", () => {
  let browser: Browser;
  let page: Page;
  let report: AuditReport;
  const external: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    const executablePath = findChromium(process.env);
    // Fails loudly (never skips): CI installs chromium; a developer is told how to get one.
    assert.ok(executablePath, CHROMIUM_MISSING);
    const dir = await mkdtemp(join(tmpdir(), "gg-html-"));
    const hostile = join(dir, "hostile.jsonl");
    writeFileSync(hostile, `${HOSTILE}\n`);
    const html = join(dir, "report.html");
    const made = await runCli(["audit", "--format", "html", "-o", html, ...INPUTS, hostile]);
    assert.equal(made.code, 0, made.stderr);
    const json = await runCli(["audit", "--format", "json", ...INPUTS, hostile]);
    report = JSON.parse(json.stdout);
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_FLAGS], timeout: 30_000 });
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, acceptDownloads: false });
    // Anything but the report file itself is a network request the page must not make.
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(html).href) return route.continue();
      external.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
  });

  after(async () => {
    await browser?.close();
  });

  it("shows the same numbers as the JSON output", async () => {
    const metrics = await page.$$eval("[data-metric]", (nodes) => nodes.map((n) => [n.getAttribute("data-metric") ?? "", n.textContent ?? ""]));
    assert.ok(metrics.length >= 14, `${metrics.length} metrics on the page`);
    for (const [metric, text] of metrics) assert.equal(Number(text), valueAt(report, metric!), metric);
    assert.equal(Number(await page.textContent('[data-metric="decisions.total"]')), 25, "24 fixture decisions + the hostile one");
    const tables = await page.$$eval("table[data-breakdown]", (nodes) =>
      nodes.map((t) => [t.getAttribute("data-breakdown") ?? "", [...t.querySelectorAll("tbody tr")].map((r) => [r.querySelector("th")?.textContent ?? "", Number(r.querySelector("td")?.textContent)])] as const));
    assert.ok(tables.length >= 10);
    for (const [path, rows] of tables) {
      let node: unknown = report;
      for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
      assert.deepEqual(rows, Object.entries(node as Record<string, number>).slice(0, 15), path);
    }
  });

  it("drills down to one object's history: every decision on it, in order, with its policy version", async () => {
    const object = "Job.batch ci/migrate";
    const expected = report.objects.find((o) => o.object === object)!;
    await page.selectOption("#object-select", object);
    const open = await page.$$eval("details.history[open]", (nodes) => nodes.map((n) => n.getAttribute("data-object")));
    assert.deepEqual(open, [object]);
    const rows = await page.$$eval(`details.history[open] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    assert.equal(rows.length, expected.decisions.length);
    assert.deepEqual(rows.map((r) => r[0]), expected.decisions.map((d) => d.time));
    assert.ok(rows.every((r) => r[5] === expected.decisions[0]!.policyVersion));
    assert.match(await page.textContent("#drilldown-status") ?? "", /Job\.batch ci\/migrate/);
    // The top-objects list opens the same history.
    await page.click('button[data-object="Job.batch ci/seed"]');
    assert.deepEqual(await page.$$eval("details.history[open]", (nodes) => nodes.map((n) => n.getAttribute("data-object"))), ["Job.batch ci/seed"]);
    assert.equal(await page.inputValue("#object-select"), "Job.batch ci/seed");
  });

  it("keeps hostile text as text, fetches nothing and logs no error", async () => {
    assert.equal(await page.$$eval("img", (imgs) => imgs.length), 0, "no element came from the data");
    assert.match(await page.textContent("table[data-breakdown='decisions.byNamespace']") ?? "", /<\/script><img src=/);
    assert.deepEqual(external, []);
    assert.deepEqual(consoleErrors, []);
  });

  it("is structured for assistive technology: headings, captions, labelled charts and controls", async () => {
    const headings = await page.$$eval("h1, h2", (hs) => hs.map((h) => h.tagName));
    assert.equal(headings[0], "H1");
    assert.ok(headings.filter((h) => h === "H2").length >= 7);
    assert.equal(await page.$$eval("table:not(:has(caption))", (t) => t.length), 0, "every table has a caption");
    assert.equal(await page.$$eval("svg[role=img]:not([aria-label])", (s) => s.length), 0);
    assert.equal(await page.$$eval("svg.chart", (s) => s.length), 2);
    assert.equal(await page.getAttribute("label[for=object-select]", "for"), "object-select");
  });

  it("fits a laptop screen and leaves a screenshot to look at", async () => {
    // Strings: the page's own globals (tsconfig has no DOM library).
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    assert.ok(width <= 1366, `no horizontal scrolling at 1366 px (${width})`);
    await page.selectOption("#object-select", "");
    await page.evaluate("window.scrollTo(0, 0)");
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    // The overview, the trends and the first suggestion: what docs/audit-report.png shows.
    await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 1500 } });
    assert.ok(readFileSync(SCREENSHOT).length > 10_000);
  });
});
