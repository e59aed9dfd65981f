import type { ManifestLocation } from "./manifest-object.ts";

/**
 * The 1-based line of a field (Kubernetes field path, `""` for the object itself) of the object
 * read at `location`, or undefined when unknown (JSON input, stdin). Resolved by an adapter that
 * reads the manifests again with positions; the formatters only look it up.
 */
export type FieldLineOf = (location: ManifestLocation, path: string) => number | undefined;

/** The lookup when no positions are known: the object's own line, when the reader recorded it. */
export const documentLineOnly: FieldLineOf = (location) => location.line;
