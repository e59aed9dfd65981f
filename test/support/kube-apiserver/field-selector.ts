import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { badRequest } from "./status-error.ts";

/** A parsed field selector: true when the object is selected. */
export type FieldPredicate = (obj: JsonObject) => boolean;

function valueAt(obj: JsonObject, dottedPath: string): string {
  let current: JsonValue | undefined = obj;
  for (const segment of dottedPath.split(".")) current = isJsonObject(current) ? current[segment] : undefined;
  if (current === undefined || current === null) return "";
  return typeof current === "string" ? current : JSON.stringify(current);
}

/**
 * Parses a fieldSelector query value (`a=b`, `a==b`, `a!=b`, comma-separated, `\,` `\=` `\\`
 * escapes). metadata.name and metadata.namespace are always allowed; `fields` maps the resource's
 * other field labels to dotted object paths. An unknown label is a 400, as kube-apiserver answers
 * `field label not supported: x`.
 */
export function parseFieldSelector(text: string, fields: Readonly<Record<string, string>>): FieldPredicate {
  if (text.trim() === "") return () => true;
  const allowed: Record<string, string> = { "metadata.name": "metadata.name", "metadata.namespace": "metadata.namespace", ...fields };
  const terms = text.split(/(?<!\\),/).map((term) => {
    const match = /^([^=!]+)(==|!=|=)(.*)$/.exec(term.trim());
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const label = match[1]!.trim();
    const op = match[2]!;
    const value = match[3]!.replace(/\\(.)/g, "$1");
    const path = allowed[label];
    if (path === undefined) throw badRequest(`field label not supported: ${label}`);
    return op === "!=" ? (obj: JsonObject) => valueAt(obj, path) !== value : (obj: JsonObject) => valueAt(obj, path) === value;
  });
  return (obj) => terms.every((t) => t(obj));
}
