import type { Rule } from "../rule.ts";

/** TODO(catalogue): filled in by the catalogue work. */
export const CORE_V1_RULES: readonly Rule[] = [];
