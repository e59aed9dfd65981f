import type { RegisterCommand } from "./main.ts";

/** Every command of the gitops-guard binary, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [];
