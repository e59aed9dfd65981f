import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../../errors.ts";

/**
 * Writes a kustomize variant: the files given (name → text), and removes the other .yaml files the
 * folder holds, so a resource file the generator no longer makes does not linger unlisted.
 */
export async function writeKustomizeDir(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const stale = (await readdir(dir)).filter((f) => f.endsWith(".yaml") && !files.has(f));
    await Promise.all(stale.map((f) => rm(join(dir, f))));
    await Promise.all([...files].map(([name, text]) => writeFile(join(dir, name), text, "utf8")));
  } catch (cause) {
    throw new AppError("ERR_INPUT_UNREADABLE", `cannot write ${dir}: ${(cause as Error).message}`, { cause });
  }
}
