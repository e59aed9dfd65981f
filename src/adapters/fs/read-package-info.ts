import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { packageRoot } from "./package-root.ts";
import { parseNodeVersion, type NodeRequirement } from "../../core/runtime/node-requirement.ts";

/** What the CLI reads from its own package.json at run time: the version and the Node it needs. */
export interface PackageInfo {
  readonly version: string;
  readonly node: NodeRequirement;
}

const packageSchema = z.object({
  version: z.string().min(1),
  // Only the `>=N[.M[.P]]` form is understood; anything else is a packaging bug caught here.
  engines: z.object({ node: z.string().regex(/^>=\s*v?\d+(\.\d+){0,2}$/, "engines.node as >=N[.M[.P]]") }),
  devDependencies: z.object({ node: z.string().min(1) }),
});

/**
 * Reads package.json beside policy/ (works from src/ and from dist/). Imported by the entry point
 * before anything else, so this module's graph must load on an old Node (only node:* and zod).
 */
export function readPackageInfo(root: string = packageRoot()): PackageInfo {
  const parsed = packageSchema.parse(JSON.parse(readFileSync(join(root, "package.json"), "utf8")));
  const minimum = parseNodeVersion(parsed.engines.node.replace(/^>=\s*/, ""));
  if (minimum === undefined) throw new Error(`package.json engines.node is not a version: ${parsed.engines.node}`);
  return { version: parsed.version, node: { minimum, pinned: parsed.devDependencies.node.replace(/^[\^~]/, "") } };
}
