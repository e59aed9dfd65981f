import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";

/** test/fixtures, whatever the working directory. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/** Every non-empty YAML document of a fixture file (path relative to test/fixtures), fresh copies each call. */
export function loadDocuments(relativePath: string): JsonValue[] {
  const text = readFileSync(join(FIXTURES, relativePath), "utf8");
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${relativePath}: ${doc.errors[0]?.message}`);
      return doc.toJSON() as JsonValue;
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/** A fixture holding exactly one object. */
export function loadObject(relativePath: string): JsonObject {
  const [doc] = loadDocuments(relativePath);
  if (!isJsonObject(doc)) throw new Error(`${relativePath}: not an object`);
  return doc;
}

/** A fixture with two documents: the live (old) object, then the incoming (new) one. */
export function loadPair(relativePath: string): { old: JsonObject; new: JsonObject } {
  const docs = loadDocuments(relativePath);
  const [oldDoc, newDoc] = docs;
  if (docs.length !== 2 || !isJsonObject(oldDoc) || !isJsonObject(newDoc)) {
    throw new Error(`${relativePath}: expected two object documents (old, then new), found ${docs.length}`);
  }
  return { old: oldDoc, new: newDoc };
}
