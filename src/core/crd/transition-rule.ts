/**
 * The forms of CRD `x-kubernetes-validations` transition rules that pin a field to its old value,
 * as real CRDs write them (Kubernetes blog "Enforce CRD Immutability with CEL Transition Rules",
 * 2022; Gateway API GatewayClass `controllerName`; Cluster API `self == oldSelf`, "field is
 * immutable"; kubebuilder `+kubebuilder:validation:XValidation:rule="self == oldSelf"`).
 *
 * Transition rules run only when the node they sit on exists in both the old and the new object.
 * A rule is split on `&&`; each part is matched against the forms below (whitespace-insensitive).
 * Anything else is not an immutability rule and is left to the API server.
 */
export type TransitionForm =
  /** On field F: `self == oldSelf` — F may not change while present on both sides. */
  | { readonly form: "frozen-self" }
  /** On object P: `self.x == oldSelf.x` — child x may not change (present or not). */
  | { readonly form: "frozen-child"; readonly child: string }
  /** On object P: `!has(oldSelf.x) || self.x == oldSelf.x` — x may be set once, then never changed or removed. */
  | { readonly form: "set-once-child"; readonly child: string }
  /** On object P: `has(self.x) == has(oldSelf.x)` — x may be neither added nor removed. */
  | { readonly form: "presence-frozen-child"; readonly child: string }
  /** On object P: `!has(oldSelf.x) || has(self.x)` — x may not be removed once set. */
  | { readonly form: "required-once-set-child"; readonly child: string };

const IDENT = "([A-Za-z_][A-Za-z0-9_]*)";

const same = (m: RegExpMatchArray, ...groups: number[]): boolean => groups.every((g) => m[g] === m[1]);

const FORMS: readonly [RegExp, (m: RegExpMatchArray) => TransitionForm | undefined][] = [
  [/^\(?self==oldSelf\)?$/, () => ({ form: "frozen-self" })],
  [/^\(?oldSelf==self\)?$/, () => ({ form: "frozen-self" })],
  // optionalOldSelf: true variants.
  [/^!oldSelf\.hasValue\(\)\|\|self==oldSelf\.value\(\)$/, () => ({ form: "frozen-self" })],
  [/^oldSelf\.hasValue\(\)\?self==oldSelf\.value\(\):true$/, () => ({ form: "frozen-self" })],
  [new RegExp(`^self\\.${IDENT}==oldSelf\\.${IDENT}$`), (m) => (same(m, 2) ? { form: "frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^oldSelf\\.${IDENT}==self\\.${IDENT}$`), (m) => (same(m, 2) ? { form: "frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|self\\.${IDENT}==oldSelf\\.${IDENT}$`), (m) => (same(m, 2, 3) ? { form: "set-once-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|\\(has\\(self\\.${IDENT}\\)&&self\\.${IDENT}==oldSelf\\.${IDENT}\\)$`), (m) => (same(m, 2, 3, 4) ? { form: "set-once-child", child: m[1]! } : undefined)],
  [new RegExp(`^has\\(self\\.${IDENT}\\)==has\\(oldSelf\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "presence-frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^has\\(oldSelf\\.${IDENT}\\)==has\\(self\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "presence-frozen-child", child: m[1]! } : undefined)],
  [new RegExp(`^!has\\(oldSelf\\.${IDENT}\\)\\|\\|has\\(self\\.${IDENT}\\)$`), (m) => (same(m, 2) ? { form: "required-once-set-child", child: m[1]! } : undefined)],
];

/** Splits on top-level `&&` (not inside parentheses). */
function conjuncts(rule: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "&" && rule[i + 1] === "&" && depth === 0) {
      parts.push(rule.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(rule.slice(start));
  return parts;
}

/** The immutability forms a CEL rule expresses; empty when it is not an immutability rule. */
export function parseTransitionRule(rule: string): TransitionForm[] {
  const compact = rule.replace(/\s+/g, "");
  if (!compact.includes("oldSelf")) return [];
  const forms: TransitionForm[] = [];
  for (const part of conjuncts(compact)) {
    for (const [re, build] of FORMS) {
      const match = part.match(re);
      const form = match ? build(match) : undefined;
      if (form) {
        forms.push(form);
        break;
      }
    }
  }
  return forms;
}
