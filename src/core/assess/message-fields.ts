import { saysImmutable } from "./immutable-phrases.ts";

/** How many field errors one message may contribute (hostile input stays bounded). */
export const MAX_MESSAGE_FIELDS = 50;

/** The error types of apimachinery's field.Error (`field.ErrorType.String()`), as printed after the path. */
const ERROR_TYPES = "Invalid value|Forbidden|Required value|Unsupported value|Duplicate value|Too long|Too many|Not found|Internal error";

/**
 * A field path as apimachinery prints it: `spec.selector`, `spec.template.spec.containers[0].image`,
 * `metadata.annotations.volume.beta.kubernetes.io/storage-class`, `spec.clusterIPs[0]`, `roleRef`, `spec`.
 */
const FIELD_ERROR = new RegExp(String.raw`(?<![\w.\]/-])([a-zA-Z][\w-]{0,100}(?:\.[\w/-]{1,253}|\[[^\]\s]{0,100}\]){0,30}): (${ERROR_TYPES})\b`, "g");

/** Server-side apply conflicts list the contested fields as `- .spec.replicas` lines. */
const CONFLICT_FIELD = /^\s*- \.([a-zA-Z][\w./-]{0,300}(?:\[[^\]\n]{0,200}\][\w./-]{0,100}){0,10})\s*$/gm;

export interface FieldError {
  /** Where the path starts in the message. */
  readonly index: number;
  readonly path: string;
  readonly type: string;
  /** The text from the error type up to the next field error: the value dump and the reason. */
  readonly detail: string;
  readonly immutable: boolean;
}

/** Every `path: Type: detail` field error in a message, in order. */
export function fieldErrors(text: string): FieldError[] {
  if (!text.includes(": ")) return [];
  const matches = [...text.matchAll(FIELD_ERROR)].slice(0, MAX_MESSAGE_FIELDS);
  return matches.map((m, i) => {
    const end = matches[i + 1]?.index ?? text.length;
    const detail = text.slice(m.index + m[0].length, end);
    return { index: m.index, path: m[1]!, type: m[2]!, detail, immutable: saysImmutable(detail) };
  });
}

/** Fields a server-side apply conflict names (`Apply failed with 2 conflicts: … - .spec.replicas`). */
export function conflictFields(text: string): string[] {
  if (!text.includes("- .")) return [];
  return [...text.matchAll(CONFLICT_FIELD)].slice(0, MAX_MESSAGE_FIELDS).map((m) => m[1]!);
}
