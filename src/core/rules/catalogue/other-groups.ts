import type { Rule } from "../rule.ts";

/** TODO(catalogue): filled in by the catalogue work. */
export const OTHER_GROUPS_RULES: readonly Rule[] = [];
