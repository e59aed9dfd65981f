import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";

/**
 * The package root (where package.json and policy/ live), found from this file's location so it
 * works both from src/ (tests, type stripping) and from dist/src/ (the built CLI).
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "policy"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("gitops-guard: package root not found (package.json beside policy/)");
}

/** The embedded default policy file shipped with the package. */
export function defaultPolicyPath(): string {
  return join(packageRoot(), "policy", "default-policy.yaml");
}
