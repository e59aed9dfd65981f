import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonValue } from "../../k8s/json.ts";
import type { RuleInput, Violation } from "../rule.ts";
import { needsNodePort } from "./service-type.ts";

function ports(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function portField(port: JsonValue | undefined, key: string): JsonValue | undefined {
  return isJsonObject(port) ? port[key] : undefined;
}

function nodePort(port: JsonValue | undefined): number | undefined {
  const value = portField(port, "nodePort");
  return typeof value === "number" && value !== 0 ? value : undefined;
}

function portName(port: JsonValue | undefined): string {
  const name = portField(port, "name");
  return typeof name === "string" ? name : "";
}

/**
 * `patchAllocatedValues`: while both sides need node ports, a new port without a nodePort gets
 * the stored nodePort of the port with the same name, unless another new port already uses it.
 */
export function droppedNodePorts(input: RuleInput): Violation[] {
  if (!needsNodePort(input.old) || !needsNodePort(input.new)) return [];
  const olds = ports(getAt(input.old, ["spec", "ports"]));
  const news = ports(getAt(input.new, ["spec", "ports"]));
  const stored = new Map(olds.map((port) => [portName(port), nodePort(port)] as const));
  const used = new Set(news.map(nodePort).filter((n) => n !== undefined));
  const violations: Violation[] = [];
  news.forEach((port, i) => {
    const previous = stored.get(portName(port));
    if (nodePort(port) !== undefined || previous === undefined || used.has(previous)) return;
    violations.push({ path: ["spec", "ports", i, "nodePort"], from: previous, to: portField(port, "nodePort") });
  });
  return violations;
}
