import { describeRef, type ReplaceRef } from "./replace-ref.ts";
import type { Refusal } from "./replace-plan.ts";
import type { Step } from "./replace-step.ts";

/** The step states a progress line shows. */
export type StepProgressState = "started" | "skipped" | "acted" | "waiting" | "done";

/** One progress line: `[3/9] create Deployment web/api … done (1.2 s)`. */
export function progressLine(p: { readonly list: "steps" | "rollback"; readonly index: number; readonly total: number; readonly step: Step; readonly state: StepProgressState; readonly detail: string; readonly elapsedMs: number }): string {
  const prefix = `${p.list === "rollback" ? "rollback " : ""}[${p.index + 1}/${p.total}] ${p.step.title}`;
  const seconds = `${(p.elapsedMs / 1000).toFixed(1)} s`;
  switch (p.state) {
    case "started":
      return `${prefix} …`;
    case "skipped":
      return `${prefix} … already done (${p.detail})`;
    case "acted":
      return `${prefix} … sent`;
    case "waiting":
      return `${prefix} … ${p.detail} (${seconds})`;
    case "done":
      return `${prefix} … done (${seconds})`;
  }
}

/** The last lines of a run, for a person. */
export function outcomeText(o: { readonly kind: string; readonly target: ReplaceRef; readonly reason?: string; readonly journal?: string; readonly refusal?: Refusal }, journalNamespace: string): string {
  const what = describeRef(o.target);
  const journal = o.journal === undefined ? "" : `${journalNamespace}/${o.journal}`;
  switch (o.kind) {
    case "replaced":
      return `${what} replaced: the new object is healthy and nothing of the old one is left over (journal ${journal}).\n`;
    case "rolled-back":
      return `${what} rolled back: ${o.reason ?? ""}\nThe old object runs again; the journal ${journal} keeps what happened. Fix the cause, then run the replacement again.\n`;
    case "failed":
      return `${what} NOT finished: ${o.reason ?? ""}\nThe journal ${journal} holds the old object and every step's outcome; see docs/replace.md#when-it-fails.\n`;
    case "interrupted":
      return `${what} interrupted: ${o.reason ?? ""}\nContinue with: gitops-guard replace ${o.target.kind}/${o.target.namespace === "" ? "" : `${o.target.namespace}/`}${o.target.name} --resume\n`;
    case "busy":
      return `${what}: ${o.reason ?? ""}\n`;
    default:
      return `${what}: ${o.kind}\n`;
  }
}
