/**
 * Renders `check --format markdown` the way a reviewer sees it: the comment for a before/after
 * pair → HTML (marked, GitHub-flavoured) → a screenshot by headless Chromium, with every <details>
 * opened. Used to look at the comment (docs/check.md); not part of `make test`.
 *
 *   node scripts/render-check-comment.ts [BEFORE AFTER] [--out DIR]
 *
 * Defaults to examples/check-cascade. Writes DIR/comment.md, comment.html, comment.png (DIR
 * default .tmp/check-comment) and prints the DOM counts Chromium saw.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { marked } from "marked";
import { main } from "../src/cli/main.ts";
import { registerCheck } from "../src/cli/check.ts";

const run = promisify(execFile);

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: "string", default: ".tmp/check-comment" } } });
const [before = "examples/check-cascade/before", after = "examples/check-cascade/after"] = positionals;
const out = resolve(values.out);
await mkdir(out, { recursive: true });

const stdout = new PassThrough();
const chunks: Buffer[] = [];
stdout.on("data", (c: Buffer) => chunks.push(c));
await main(["check", "--before", before, "--after", after, "--format", "markdown"], {
  stdout, stderr: process.stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined,
}, [registerCheck]);
const md = Buffer.concat(chunks).toString("utf8");
const body = (await marked.parse(md, { gfm: true })).replaceAll("<details>", "<details open>");
const html = `<!doctype html><meta charset="utf-8"><title>gitops-guard check</title>
<style>body{font:14px -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1000px;margin:16px auto;color:#1f2328}
table{border-collapse:collapse}td,th{border:1px solid #d1d9e0;padding:4px 8px}pre{background:#f6f8fa;padding:8px;overflow:auto}
details{border:1px solid #d1d9e0;border-radius:6px;padding:4px 8px;margin:6px 0}summary{cursor:pointer}</style>
<body>${body}</body>`;
await writeFile(join(out, "comment.md"), md);
await writeFile(join(out, "comment.html"), html);
const chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"];
const url = `file://${join(out, "comment.html")}`;
await run("chromium", [...chromium, `--screenshot=${join(out, "comment.png")}`, "--window-size=1100,2600", url]);
const { stdout: dom } = await run("chromium", [...chromium, "--dump-dom", url], { maxBuffer: 64 * 1024 * 1024 });
const count = (re: RegExp): number => dom.match(re)?.length ?? 0;
console.log(`${md.length} characters of Markdown; Chromium's DOM: ${count(/<details/g)} details, ${count(/<table>/g)} tables, ${count(/<pre>/g)} code blocks`);
console.log(`wrote ${join(out, "comment.png")}`);
