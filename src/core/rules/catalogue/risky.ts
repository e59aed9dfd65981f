import type { Rule } from "../rule.ts";

/** TODO(catalogue): filled in by the catalogue work. */
export const RISKY_RULES: readonly Rule[] = [];
