/**
 * The runtime bound on CRD rule evaluation. Kubernetes bounds every rule twice: a per-call limit
 * of 1,000,000 cost units ("roughly 0.1 second") and a per-object budget of 10,000,000 units
 * ("roughly 1 seconds"), k8s.io/apiserver/pkg/apis/cel/config.go `PerCallLimit` and
 * `RuntimeCELCostBudget` (reference/admission-webhooks.md §3.6). A cost unit there is about one
 * interpreter step (a node evaluated, one comprehension iteration), so the same numbers are used
 * here as step counts: one step per expression node evaluated (comprehension bodies once per
 * element), plus the size-proportional charges of the Kubernetes library functions.
 *
 * Steps alone do not bound wall time (one `==` on two 3 MB objects is one step), so each bound
 * also has a time cap with the same meaning ("roughly"), checked every TIME_CHECK_INTERVAL steps
 * against a clock the caller passes in (src/core reads no clock; without one, steps only).
 */
export const CEL_RULE_STEP_LIMIT = 1_000_000;
export const CEL_OBJECT_STEP_LIMIT = 10_000_000;
export const CEL_RULE_TIME_LIMIT_MS = 100;
export const CEL_OBJECT_TIME_LIMIT_MS = 1_000;
/** How often the clock is read: every 1,024 steps (about 50 µs of evaluation), not every step. */
export const TIME_CHECK_INTERVAL = 1_024;

export interface CelLimits {
  readonly ruleSteps: number;
  readonly objectSteps: number;
  readonly ruleMs: number;
  readonly objectMs: number;
}

export const DEFAULT_CEL_LIMITS: CelLimits = {
  ruleSteps: CEL_RULE_STEP_LIMIT,
  objectSteps: CEL_OBJECT_STEP_LIMIT,
  ruleMs: CEL_RULE_TIME_LIMIT_MS,
  objectMs: CEL_OBJECT_TIME_LIMIT_MS,
};

/** Thrown inside an evaluation when a bound is passed; the evaluation is then "not evaluated". */
export class CelBudgetExceeded extends Error {
  readonly budget: "rule steps" | "object steps" | "rule time" | "object time";
  constructor(budget: CelBudgetExceeded["budget"]) {
    super(`the ${budget} budget is spent`);
    this.name = "CelBudgetExceeded";
    this.budget = budget;
  }
}

/**
 * Counts the steps of the evaluations of one object (the per-object budget) and of the rule being
 * evaluated (`startRule` resets the per-rule count). Once a bound is passed every later step throws
 * again: CEL's `||`, `&&`, `exists` and `all` absorb errors, so `spent` is what the caller reads.
 */
export class CelMeter {
  readonly #limits: CelLimits;
  readonly #now: (() => number) | undefined;
  readonly #objectStart: number;
  #objectSteps = 0;
  #ruleSteps = 0;
  #ruleStart = 0;
  #spent: CelBudgetExceeded | undefined;

  constructor(limits: CelLimits, now?: () => number) {
    this.#limits = limits;
    this.#now = now;
    this.#objectStart = now ? now() : 0;
  }

  get spent(): CelBudgetExceeded | undefined {
    return this.#spent;
  }

  get objectSteps(): number {
    return this.#objectSteps;
  }

  /** Starts a rule: its own step count and clock; a spent object budget stays spent. */
  startRule(): void {
    this.#ruleSteps = 0;
    this.#ruleStart = this.#now ? this.#now() : 0;
    if (this.#spent && this.#spent.budget.startsWith("rule")) this.#spent = undefined;
  }

  /** Charges `steps` (1 for a node, the size of its input for a library function). */
  charge(steps: number): void {
    if (this.#spent) throw this.#spent;
    const before = this.#ruleSteps;
    this.#ruleSteps += steps;
    this.#objectSteps += steps;
    if (this.#ruleSteps > this.#limits.ruleSteps) this.#fail("rule steps");
    if (this.#objectSteps > this.#limits.objectSteps) this.#fail("object steps");
    if (this.#now && Math.floor(before / TIME_CHECK_INTERVAL) !== Math.floor(this.#ruleSteps / TIME_CHECK_INTERVAL)) this.#checkClock(this.#now());
  }

  #checkClock(now: number): void {
    if (now - this.#ruleStart > this.#limits.ruleMs) this.#fail("rule time");
    if (now - this.#objectStart > this.#limits.objectMs) this.#fail("object time");
  }

  #fail(budget: CelBudgetExceeded["budget"]): never {
    this.#spent = new CelBudgetExceeded(budget);
    throw this.#spent;
  }
}
