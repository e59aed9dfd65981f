import { badRequest } from "./status-error.ts";

/** A parsed label selector: true when an object with these labels is selected. */
export type LabelPredicate = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = String.raw`(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?`;
const VALUE = String.raw`(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?`;
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const EXISTS = new RegExp(`^(${KEY})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const COMPARE = new RegExp(`^(${KEY})\\s*(==|!=|=|>|<)\\s*(${VALUE})$`);

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function parseRequirement(text: string): LabelPredicate {
  let m = NOT_EXISTS.exec(text);
  if (m) {
    const key = m[1]!;
    return (labels) => !(key in labels);
  }
  m = EXISTS.exec(text);
  if (m) {
    const key = m[1]!;
    return (labels) => key in labels;
  }
  m = SET.exec(text);
  if (m) {
    const key = m[1]!;
    const op = m[2]!;
    const list = m[3]!;
    const values = new Set(list.split(",").map((v) => v.trim()));
    return op === "in"
      ? (labels) => key in labels && values.has(labels[key]!)
      : (labels) => !(key in labels) || !values.has(labels[key]!);
  }
  m = COMPARE.exec(text);
  if (m) {
    const key = m[1]!;
    const op = m[2]!;
    const value = m[3]!;
    if (op === ">" || op === "<") {
      const bound = Number(value);
      if (!Number.isInteger(bound)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      return (labels) => key in labels && (op === ">" ? Number(labels[key]) > bound : Number(labels[key]) < bound);
    }
    // "!=" also selects objects without the label (apimachinery labels.Requirement.Matches).
    return op === "!=" ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  throw badRequest(`unable to parse requirement: invalid label selector term ${JSON.stringify(text)}`);
}

/**
 * Parses a labelSelector query value with the apimachinery grammar: `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a)`, `k`, `!k`, `k>1`, `k<1`, comma-separated (AND). The empty string
 * selects everything. Throws a 400 StatusError on a malformed selector.
 */
export function parseLabelSelector(text: string): LabelPredicate {
  if (text.trim() === "") return () => true;
  const requirements = splitTopLevel(text).map(parseRequirement);
  return (labels) => requirements.every((r) => r(labels));
}
