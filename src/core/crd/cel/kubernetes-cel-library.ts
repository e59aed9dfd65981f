import type { Environment } from "@marcbachmann/cel-js";
import { compareQuantities, parseQuantity, type Quantity } from "../../k8s/quantity.ts";
import type { CelMeter } from "./cel-budget.ts";
import type { RegexCache } from "./regex-cache.ts";

/**
 * The Kubernetes CEL library functions CRD rules use, on top of the evaluator's standard ones
 * (k8s.io/apiserver/pkg/cel/library: lists.go, regex.go, quantity.go; cel-go ext strings and
 * sets, which the Kubernetes base environment enables, k8s.io/apiserver/pkg/cel/environment/base.go).
 * urls.go too. Not here (a rule calling them is reported as not evaluated): ip, cidr, format, semver,
 * authz (not available to CRD rules), two-variable comprehensions, math, base64.
 *
 * Each function charges the meter in proportion to the size of its input, as Kubernetes'
 * cost model does (library/cost.go: a list traversal costs its length, a string scan its length
 * times 0.1).
 */

/** Where the functions find the meter of the evaluation in progress (evaluation is synchronous). */
export interface MeterSlot {
  current: CelMeter | undefined;
}

type Comparable = bigint | number | string | boolean;

const STRING_COST_FACTOR = 0.1;

function charge(slot: MeterSlot, steps: number): void {
  slot.current?.charge(Math.ceil(steps));
}

function isComparable(value: unknown): value is Comparable {
  return typeof value === "bigint" || typeof value === "number" || typeof value === "string" || typeof value === "boolean";
}

function compare(a: Comparable, b: Comparable): number {
  if (typeof a === "string" || typeof b === "string" || typeof a === "boolean" || typeof b === "boolean") {
    if (typeof a !== typeof b) throw new Error("no such overload: mixed element types");
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparables(list: readonly unknown[], what: string): readonly Comparable[] {
  if (!list.every(isComparable)) throw new Error(`no such overload: ${what} of a list of non-comparable elements`);
  return list;
}

function extreme(list: readonly unknown[], sign: 1 | -1, what: string): Comparable {
  const items = comparables(list, what);
  if (items.length === 0) throw new Error(`${what} called on empty list`);
  return items.reduce((best, x) => (compare(x, best) * sign > 0 ? x : best));
}

function sum(list: readonly unknown[]): bigint | number {
  if (list.every((x) => typeof x === "bigint")) return list.reduce<bigint>((a, b) => a + b, 0n);
  if (list.every((x) => typeof x === "number")) return list.reduce<number>((a, b) => a + b, 0);
  throw new Error("no such overload: sum of a list that is not all int or all double");
}

function celEquals(a: unknown, b: unknown): boolean {
  if (typeof a === "bigint" && typeof b === "number") return Number(a) === b;
  if (typeof a === "number" && typeof b === "bigint") return a === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i]));
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && celEquals(v, b.get(k)));
  return a === b;
}

/** A Kubernetes resource quantity as a CEL value (k8s.io/apiserver/pkg/cel/quantity.go). */
export class CelQuantity {
  readonly text: string;
  readonly value: Quantity;
  constructor(text: string, value: Quantity) {
    this.text = text;
    this.value = value;
  }
}

function quantityOf(text: string): CelQuantity {
  const parsed = parseQuantity(text);
  if (!parsed) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return new CelQuantity(text, parsed);
}

function quantityCompare(a: CelQuantity, b: CelQuantity): bigint {
  return BigInt(compareQuantities(a.text, b.text) ?? 0);
}

function quantityFromRational(numerator: bigint, scale: number): CelQuantity {
  const sign = numerator < 0n ? "-" : "";
  const abs = numerator < 0n ? -numerator : numerator;
  const digits = abs.toString().padStart(scale + 1, "0");
  const text = scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return new CelQuantity(text, { numerator, scale });
}

function addQuantities(a: Quantity, b: Quantity, sign: 1n | -1n): CelQuantity {
  const scale = Math.max(a.scale, b.scale);
  const an = a.numerator * 10n ** BigInt(scale - a.scale);
  const bn = b.numerator * 10n ** BigInt(scale - b.scale);
  return quantityFromRational(an + sign * bn, scale);
}

function asInteger(q: Quantity): bigint {
  const divisor = 10n ** BigInt(q.scale);
  if (q.numerator % divisor !== 0n) throw new Error("cannot convert value to integer");
  const value = q.numerator / divisor;
  if (value > 9223372036854775807n || value < -9223372036854775808n) throw new Error("cannot convert value to integer");
  return value;
}

function registerLists(env: Environment, slot: MeterSlot): void {
  env.registerFunction("list<dyn>.isSorted(): bool", (list: unknown[]) => {
    charge(slot, list.length);
    const items = comparables(list, "isSorted");
    return items.every((x, i) => i === 0 || compare(items[i - 1]!, x) <= 0);
  });
  env.registerFunction("list<dyn>.sum(): dyn", (list: unknown[]) => (charge(slot, list.length), sum(list)));
  env.registerFunction("list<dyn>.min(): dyn", (list: unknown[]) => (charge(slot, list.length), extreme(list, -1, "min")));
  env.registerFunction("list<dyn>.max(): dyn", (list: unknown[]) => (charge(slot, list.length), extreme(list, 1, "max")));
  env.registerFunction("list<dyn>.indexOf(dyn): int", (list: unknown[], x: unknown) => (charge(slot, list.length), BigInt(list.findIndex((y) => celEquals(y, x)))));
  env.registerFunction("list<dyn>.lastIndexOf(dyn): int", (list: unknown[], x: unknown) => (charge(slot, list.length), BigInt(list.findLastIndex((y) => celEquals(y, x)))));
}

/**
 * `sets.contains(...)` and `strings.quote(...)` are namespaced functions; the evaluator resolves
 * `sets.` as a member call on a constant, the way it declares `optional.of` (lib/optional.js).
 */
export class CelNamespace {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

// One class per namespace: the evaluator finds a value's type by its constructor.
class SetsNamespace extends CelNamespace {}
class StringsNamespace extends CelNamespace {}

function registerNamespace(env: Environment, name: string, type: string, ctor: typeof CelNamespace): void {
  env.registerType(type, ctor);
  env.registerConstant(name, type, new ctor(name));
}

function registerSets(env: Environment, slot: MeterSlot): void {
  registerNamespace(env, "sets", "SetsNamespace", SetsNamespace);
  const contains = (a: unknown[], b: unknown[]): boolean => (charge(slot, a.length * b.length), b.every((y) => a.some((x) => celEquals(x, y))));
  env.registerFunction("SetsNamespace.contains(list<dyn>, list<dyn>): bool", (_: CelNamespace, a: unknown[], b: unknown[]) => contains(a, b));
  env.registerFunction("SetsNamespace.equivalent(list<dyn>, list<dyn>): bool", (_: CelNamespace, a: unknown[], b: unknown[]) => contains(a, b) && contains(b, a));
  env.registerFunction("SetsNamespace.intersects(list<dyn>, list<dyn>): bool", (_: CelNamespace, a: unknown[], b: unknown[]) => (charge(slot, a.length * b.length), b.some((y) => a.some((x) => celEquals(x, y)))));
}

function registerRegex(env: Environment, slot: MeterSlot, regex: RegexCache): void {
  const matches = (s: string, pattern: string): boolean => (charge(slot, s.length * STRING_COST_FACTOR), regex.compile(pattern).matcher(s).find());
  // `matches` is rewritten to these names when a rule is compiled (the evaluator's own cannot be replaced).
  env.registerFunction("string.k8sMatches(string): bool", matches);
  env.registerFunction("k8sMatches(string, string): bool", matches);
  env.registerFunction("string.find(string): string", (s: string, pattern: string) => {
    charge(slot, s.length * STRING_COST_FACTOR);
    const m = regex.compile(pattern).matcher(s);
    return m.find() ? (m.group() ?? "") : "";
  });
  const findAll = (s: string, pattern: string, limit: bigint): string[] => {
    charge(slot, s.length * STRING_COST_FACTOR);
    const m = regex.compile(pattern).matcher(s);
    const out: string[] = [];
    while ((limit < 0n || BigInt(out.length) < limit) && m.find()) out.push(m.group() ?? "");
    return out;
  };
  env.registerFunction("string.findAll(string): list<string>", (s: string, p: string) => findAll(s, p, -1n));
  env.registerFunction("string.findAll(string, int): list<string>", findAll);
}

function registerStrings(env: Environment, slot: MeterSlot): void {
  env.registerFunction("string.charAt(int): string", (s: string, i: bigint) => {
    const chars = [...s];
    if (i < 0n || i > BigInt(chars.length)) throw new Error(`index out of range: ${i}`);
    return chars[Number(i)] ?? "";
  });
  const replace = (s: string, from: string, to: string, n: bigint): string => {
    charge(slot, s.length * STRING_COST_FACTOR);
    if (n < 0n) return s.split(from).join(to);
    const parts = s.split(from);
    const cut = Number(n) + 1;
    return parts.length <= cut ? parts.join(to) : parts.slice(0, cut).join(to) + from + parts.slice(cut).join(from);
  };
  env.registerFunction("string.replace(string, string): string", (s: string, a: string, b: string) => replace(s, a, b, -1n));
  env.registerFunction("string.replace(string, string, int): string", replace);
  env.registerFunction("string.reverse(): string", (s: string) => (charge(slot, s.length * STRING_COST_FACTOR), [...s].reverse().join("")));
  registerNamespace(env, "strings", "StringsNamespace", StringsNamespace);
  env.registerFunction("StringsNamespace.quote(string): string", (_: CelNamespace, s: string) => (charge(slot, s.length * STRING_COST_FACTOR), JSON.stringify(s)));
}

function registerQuantity(env: Environment): void {
  env.registerType("Quantity", CelQuantity);
  env.registerFunction("quantity(string): Quantity", quantityOf);
  env.registerFunction("isQuantity(string): bool", (s: string) => parseQuantity(s) !== undefined);
  env.registerFunction("Quantity.isInteger(): bool", (q: CelQuantity) => q.value.numerator % 10n ** BigInt(q.value.scale) === 0n);
  env.registerFunction("Quantity.asInteger(): int", (q: CelQuantity) => asInteger(q.value));
  env.registerFunction("Quantity.asApproximateFloat(): double", (q: CelQuantity) => Number(q.value.numerator) / 10 ** q.value.scale);
  env.registerFunction("Quantity.sign(): int", (q: CelQuantity) => BigInt(q.value.numerator > 0n ? 1 : q.value.numerator < 0n ? -1 : 0));
  env.registerFunction("Quantity.compareTo(Quantity): int", quantityCompare);
  env.registerFunction("Quantity.isLessThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => quantityCompare(a, b) < 0n);
  env.registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: CelQuantity, b: CelQuantity) => quantityCompare(a, b) > 0n);
  env.registerFunction("Quantity.add(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => addQuantities(a.value, b.value, 1n));
  env.registerFunction("Quantity.add(int): Quantity", (a: CelQuantity, b: bigint) => addQuantities(a.value, { numerator: b, scale: 0 }, 1n));
  env.registerFunction("Quantity.sub(Quantity): Quantity", (a: CelQuantity, b: CelQuantity) => addQuantities(a.value, b.value, -1n));
  env.registerFunction("Quantity.sub(int): Quantity", (a: CelQuantity, b: bigint) => addQuantities(a.value, { numerator: b, scale: 0 }, -1n));
  env.registerOperator("Quantity == Quantity", (a: CelQuantity, b: CelQuantity) => quantityCompare(a, b) === 0n);
}

/**
 * A URL as k8s.io/apiserver/pkg/cel/library/urls.go reads it: an absolute URI or an absolute path
 * (Go's url.ParseRequestURI). Host and port come from the text as written (WHATWG URL, which
 * validates here, would drop a default port and lower-case the host; Go keeps both).
 */
export class CelUrl {
  readonly scheme: string;
  readonly host: string;
  readonly escapedPath: string;
  readonly query: Map<string, string[]>;
  constructor(scheme: string, host: string, escapedPath: string, query: Map<string, string[]>) {
    this.scheme = scheme;
    this.host = host;
    this.escapedPath = escapedPath;
    this.query = query;
  }
}

const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?/;

function parseUrl(text: string): CelUrl | undefined {
  const absolute = ABSOLUTE.exec(text);
  if (!absolute && !text.startsWith("/")) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(text, "http://placeholder.invalid");
  } catch {
    return undefined;
  }
  const authority = absolute?.[2] ?? "";
  const host = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const query = new Map<string, string[]>();
  for (const [k, v] of parsed.searchParams) query.set(k, [...(query.get(k) ?? []), v]);
  // Go's Path is empty when the text has none ("https://example.com"); WHATWG's pathname is "/".
  const rest = text.slice((absolute?.[0] ?? "").length);
  return new CelUrl(absolute?.[1] ?? "", host, /^[^?#]/.test(rest) ? parsed.pathname : "", query);
}

function hostParts(host: string): { hostname: string; port: string } {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return { hostname: host.slice(1, end), port: host.slice(end + 1).startsWith(":") ? host.slice(end + 2) : "" };
  }
  const colon = host.lastIndexOf(":");
  return colon < 0 ? { hostname: host, port: "" } : { hostname: host.slice(0, colon), port: host.slice(colon + 1) };
}

function registerUrls(env: Environment): void {
  env.registerType("URL", CelUrl);
  env.registerFunction("url(string): URL", (s: string) => {
    const parsed = parseUrl(s);
    if (!parsed) throw new Error(`URL parse error during conversion from string: ${s}`);
    return parsed;
  });
  env.registerFunction("isURL(string): bool", (s: string) => parseUrl(s) !== undefined);
  env.registerFunction("URL.getScheme(): string", (u: CelUrl) => u.scheme);
  env.registerFunction("URL.getHost(): string", (u: CelUrl) => u.host);
  env.registerFunction("URL.getHostname(): string", (u: CelUrl) => hostParts(u.host).hostname);
  env.registerFunction("URL.getPort(): string", (u: CelUrl) => hostParts(u.host).port);
  env.registerFunction("URL.getEscapedPath(): string", (u: CelUrl) => u.escapedPath);
  env.registerFunction("URL.getQuery(): map<string, list<string>>", (u: CelUrl) => u.query);
}

/** Adds the Kubernetes library to `env` (each environment gets its own registrations). */
export function registerKubernetesLibrary(env: Environment, slot: MeterSlot, regex: RegexCache): void {
  registerLists(env, slot);
  registerSets(env, slot);
  registerRegex(env, slot, regex);
  registerStrings(env, slot);
  registerQuantity(env);
  registerUrls(env);
}
