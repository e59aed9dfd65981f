/**
 * The hold a blue-green cut-over puts on a selecting object it froze (issue 14): Flux skips a
 * frozen object, but kubectl, Argo CD, Helm or a person applying the owner's manifest meanwhile
 * would put the old selector back and send traffic to pods the engine is about to delete. The
 * engine marks what it froze with this annotation; the webhook keeps the selector of a held
 * object as it is (src/core/decide/held-selector.ts).
 *
 * Its value is the replacement's journal name while the old pods are selected, and
 * `switched:<journal name>` once the engine switched the selector: the switch changes the value
 * in the same merge patch as the selector, so the webhook tells the engine's switch (the value
 * changes) from someone else's apply (client-side and server-side apply keep an annotation they
 * do not own, so the value stays). The unfreeze and the rollback remove it.
 */
export const SELECTOR_HOLD_ANNOTATION = "gitops-guard.io/selector-hold";

const SWITCHED_PREFIX = "switched:";

/** The hold's value after the engine switched the selector. */
export function switchedHold(holder: string): string {
  return holder.startsWith(SWITCHED_PREFIX) ? holder : `${SWITCHED_PREFIX}${holder}`;
}

/** The journal name a hold's value names, before or after the switch. */
export function holderOf(value: string): string {
  return value.startsWith(SWITCHED_PREFIX) ? value.slice(SWITCHED_PREFIX.length) : value;
}
