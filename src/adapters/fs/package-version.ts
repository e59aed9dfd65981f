import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { packageRoot } from "./package-root.ts";

const packageJsonSchema = z.object({ version: z.string().min(1) }).loose();

/** gitops-guard's own version, from its package.json (SARIF tool.driver.version). */
export function packageVersion(): string {
  const parsed = packageJsonSchema.safeParse(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")));
  return parsed.success ? parsed.data.version : "0.0.0";
}
