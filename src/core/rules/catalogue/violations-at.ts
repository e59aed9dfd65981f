import { getAt, type PathSegment } from "../../k8s/field-path.ts";
import { changesUnder } from "../find-violations.ts";
import type { RuleInput, Violation } from "../rule.ts";

/**
 * The raw changes under `root` (so a finding names the most specific field the manifest
 * changed), or a single violation at `root` when the pair differs there only after normalisation.
 */
export function violationsAt(input: RuleInput, root: readonly PathSegment[], detail?: string): Violation[] {
  const found = changesUnder(input, root);
  const list = found.length > 0 ? found : [{ path: root, from: getAt(input.old, root), to: getAt(input.new, root) }];
  return detail === undefined ? list : list.map((v) => ({ ...v, detail }));
}
