import type { Rule } from "../rule.ts";

/** TODO(catalogue): filled in by the catalogue work. */
export const METADATA_RULES: readonly Rule[] = [];
