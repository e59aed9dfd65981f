import { getAt } from "../../k8s/field-path.ts";
import type { JsonObject, JsonValue } from "../../k8s/json.ts";
import type { CompiledRule, RuleInput, Violation } from "../rule.ts";

/** completions, parallelism and completionMode of a Job after the API server's defaulting. */
interface JobCounts {
  /** undefined = nil (a work-queue Job). */
  readonly completions: number | undefined;
  readonly parallelism: number;
  readonly completionMode: string;
}

function numberOrUndefined(value: JsonValue | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/**
 * SetDefaults_Job (pkg/apis/batch/v1/defaults.go): when completions and parallelism are both
 * unset both become 1; an unset parallelism alone becomes 1; completionMode defaults to NonIndexed.
 */
function countsOf(job: JsonObject): JobCounts {
  const completions = numberOrUndefined(getAt(job, ["spec", "completions"]));
  const parallelism = numberOrUndefined(getAt(job, ["spec", "parallelism"]));
  const mode = getAt(job, ["spec", "completionMode"]);
  return {
    completions: completions === undefined && parallelism === undefined ? 1 : completions,
    parallelism: parallelism ?? 1,
    completionMode: typeof mode === "string" && mode !== "" ? mode : "NonIndexed",
  };
}

/**
 * Job `spec.completions` (validateCompletions, ElasticIndexedJob GA): frozen for NonIndexed Jobs;
 * an Indexed Job (mode read from the NEW spec, as the API server does) may change it only to a
 * value equal to the new parallelism, and never to nil.
 */
export function jobCompletionsViolations(input: RuleInput, rule: CompiledRule): Violation[] {
  // A live Job always carries a defaulted parallelism: an old object with neither count is a
  // manifest, whose live counterpart holds the defaults, and a new object that still states no
  // completions keeps them (apply preserves them; a PUT re-defaults them when parallelism is unset).
  const stated = (job: JsonObject, field: string): boolean => numberOrUndefined(getAt(job, ["spec", field])) !== undefined;
  if (!stated(input.old, "completions") && !stated(input.old, "parallelism") && !stated(input.new, "completions")) return [];
  const before = countsOf(input.old);
  const after = countsOf(input.new);
  if (before.completions === after.completions) return [];
  const violation: Violation = { path: rule.root, from: getAt(input.old, rule.root), to: getAt(input.new, rule.root) };
  if (after.completionMode !== "Indexed") return [violation];
  if (after.completions === undefined) {
    return [{ ...violation, detail: "an Indexed Job's spec.completions cannot be removed (spec.completions: Required value)" }];
  }
  if (after.completions === after.parallelism) return [];
  return [
    {
      ...violation,
      detail: `an Indexed Job's spec.completions can only be modified in tandem with spec.parallelism (completions ${after.completions} ≠ parallelism ${after.parallelism})`,
    },
  ];
}
