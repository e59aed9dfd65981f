import { existsSync } from "node:fs";

/** Where Debian's `chromium` package (and other distributions' builds) put the browser. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** How to get a browser, printed when none is found: the HTML report's test needs one. */
export const CHROMIUM_MISSING = [
  "No Chromium found: the HTML report's browser test needs one (test/core/audit/format-audit-html.browser.test.ts).",
  "Install Debian's package:  sudo apt-get update && sudo apt-get install -y chromium",
  `or point CHROMIUM_PATH at a Chromium or Chrome binary. Looked in: CHROMIUM_PATH, ${CANDIDATES.join(", ")}.`,
].join("\n");

/** The browser binary: CHROMIUM_PATH, else the usual install paths; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env["CHROMIUM_PATH"];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** Flags for a quiet headless run: nothing talks to Google's services, nothing needs a GPU or a sandbox (containers). */
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run",
] as const;
