import type { RegisterCommand } from "./main.ts";
import { registerServe } from "./serve.ts";
import { registerCerts } from "./certs.ts";

/** Every command of the gitops-guard binary, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerServe,
  registerCerts,];
