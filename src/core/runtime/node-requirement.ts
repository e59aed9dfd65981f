/**
 * Which Node.js gitops-guard runs on, and what to say when it is started on an older one. On
 * Node 20, importing the CLI dies inside undici (pulled in by @kubernetes/client-node, which needs
 * Node ≥ 22.19) with a stack trace that names neither Node nor a way out; this check runs first.
 */

/** A version as [major, minor, patch]. */
export type NodeVersion = readonly [number, number, number];

/** What the package declares: `engines.node` (the minimum) and the pinned devDependency `node`. */
export interface NodeRequirement {
  /** The lowest version that runs, from `engines.node` (`>=24`). */
  readonly minimum: NodeVersion;
  /** The version the project pins and tests with, from the `node` devDependency (`^26.10.0`). */
  readonly pinned: string;
}

/** `24`, `24.1` or `24.1.0` (with an optional `v`) as a version; undefined when it is not one. */
export function parseNodeVersion(text: string): NodeVersion | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function isOlder(a: NodeVersion, b: NodeVersion): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/**
 * Undefined when `running` (process.versions.node) meets the requirement, else the message that
 * says which Node is needed and how to get it. An unparseable running version is let through:
 * the check exists to explain a known failure, not to refuse an unknown runtime.
 */
export function nodeVersionProblem(running: string, requirement: NodeRequirement): string | undefined {
  const version = parseNodeVersion(running);
  if (version === undefined || !isOlder(version, requirement.minimum)) return undefined;
  const needed = requirement.minimum.join(".");
  return [
    `gitops-guard needs Node.js ${needed} or newer; this is Node.js ${running}.`,
    `The project pins node@${requirement.pinned} in devDependencies; \`npm ci\` installs it in node_modules/.bin.`,
    "In a checkout, run through make or npx, which put node_modules/.bin first on PATH",
    "(`make run`, `npx gitops-guard …`, or `export PATH=$PWD/node_modules/.bin:$PATH`);",
    `elsewhere, install Node.js ${requirement.pinned.replace(/^[\^~>=]+/, "").split(".")[0]} (https://nodejs.org/en/download).`,
  ].join("\n");
}
