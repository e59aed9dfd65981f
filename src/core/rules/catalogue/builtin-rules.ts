import type { Rule } from "../rule.ts";
import { APPS_V1_RULES } from "./apps-v1.ts";
import { BATCH_V1_RULES } from "./batch-v1.ts";
import { CORE_V1_RULES } from "./core-v1.ts";
import { METADATA_RULES } from "./metadata.ts";
import { OTHER_GROUPS_RULES } from "./other-groups.ts";
import { RISKY_RULES } from "./risky.ts";
import { SERVER_ASSIGNED_RULES } from "./server-assigned.ts";

/**
 * Every built-in rule, one file per API group (reference/k8s-immutable-fields.md §2), plus the
 * server-assigned and risky rules. A reader finds any kind's rules in its group's file.
 */
export const BUILTIN_RULES: readonly Rule[] = [
  ...METADATA_RULES,
  ...CORE_V1_RULES,
  ...APPS_V1_RULES,
  ...BATCH_V1_RULES,
  ...OTHER_GROUPS_RULES,
  ...SERVER_ASSIGNED_RULES,
  ...RISKY_RULES,
];
