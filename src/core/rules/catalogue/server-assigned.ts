import type { Rule } from "../rule.ts";

/** TODO(catalogue): filled in by the catalogue work. */
export const SERVER_ASSIGNED_RULES: readonly Rule[] = [];
