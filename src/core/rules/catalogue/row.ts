import type { Rule } from "../rule.ts";

/**
 * A row of a rule table as written: `id` defaults to `<group or "core">.<Kind>.<path without
 * "spec.">`, `class` to `immutable`, `check` to `frozen`. Every catalogue file writes its rows
 * through `row()`, so a table holds only what differs from row to row.
 */
export type Row = Omit<Rule, "id" | "class" | "check"> & Partial<Pick<Rule, "id" | "class" | "check">>;

/** The id a row gets when it names none. */
export function defaultRuleId(group: string, kind: string, path: string): string {
  const field = path.startsWith("spec.") ? path.slice("spec.".length) : path;
  return `${group === "" ? "core" : group}.${kind}.${field}`;
}

export function row(r: Row): Rule {
  return { id: defaultRuleId(r.group, r.kind, r.path), class: "immutable", check: { type: "frozen" }, ...r };
}
