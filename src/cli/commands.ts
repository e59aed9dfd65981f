import type { RegisterCommand } from "./main.ts";
import { registerCheck } from "./check.ts";
import { registerServe } from "./serve.ts";
import { registerPolicyValidate } from "./policy-validate.ts";
import { registerCerts } from "./certs.ts";
import { registerAudit } from "./audit.ts";
import { registerDiagnose } from "./diagnose.ts";
import { registerWatch } from "./watch.ts";
import { registerReplace } from "./replace.ts";

/** Every command of the gitops-guard binary, in help order. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerServe,
  registerPolicyValidate,
  registerCerts,
  registerCheck,
  registerAudit,
  registerDiagnose,
  registerWatch,
  registerReplace,
];
