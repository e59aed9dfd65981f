import pino, { type Logger } from "pino";
import type { Writable } from "node:stream";

/**
 * The operational logger (not the decision records): JSON lines to stderr by default. A factory,
 * never a module singleton. Keys are fixed (uid, kind, ns, name, op, err) and messages constant.
 * Request bodies are never logged: they may hold Secret data.
 */
export function createLogger(options: { readonly level?: string; readonly destination?: Writable } = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "gitops-guard" },
      // Belt and braces: never write object bodies or Secret data even if a caller passes them.
      redact: { paths: ["object", "oldObject", "*.object", "*.oldObject", "data", "stringData", "*.data", "*.stringData"], censor: "[redacted]" },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

export type { Logger };
