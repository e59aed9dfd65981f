import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readManifests } from "../../../src/adapters/fs/read-manifests.ts";
import type { ManifestCache } from "../../../src/adapters/fs/parse-manifest-text.ts";
import { AppError } from "../../../src/errors.ts";
import { FIXTURES } from "../../support/load-yaml.ts";

const MANIFESTS = join(FIXTURES, "check", "manifests");
const INVALID = join(FIXTURES, "check", "invalid");

function noStdin(): NodeJS.ReadableStream {
  return Readable.from([]);
}

async function readError(path: string, stdin: NodeJS.ReadableStream = noStdin()): Promise<AppError> {
  try {
    await readManifests(path, { stdin });
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${path} to be rejected`);
}

describe("readManifests", () => {
  it("reads helm template output: empty documents are skipped but counted, every field kept raw", async () => {
    const path = join(MANIFESTS, "helm-template.yaml");
    const objects = await readManifests(path, { stdin: noStdin() });
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.namespace, o.location.document, o.location.line]),
      [
        ["ServiceAccount", "shop", undefined, 1, 3],
        ["ConfigMap", "shop-config", "shop", 3, 13],
        ["Pod", "reader", "shop", 4, 27],
      ],
    );
    const config = objects[1]?.object;
    // Unknown fields and timestamps stay as written (no ObjectSerializer round trip).
    assert.deepEqual(config?.["x-unknown-field"], { kept: true });
    assert.equal((config?.["metadata"] as { creationTimestamp?: unknown }).creationTimestamp, "2026-01-02T03:04:05Z");
    // YAML 1.2 core schema: yes/on stay strings.
    assert.deepEqual(config?.["data"], { ENABLED: "yes", SWITCH: "on", QUOTED: "no" });
    assert.equal(objects[1]?.location.source, path);
  });

  it("reads 0644 as the octal file mode 420, like every Go reader of manifests", async () => {
    const objects = await readManifests(join(MANIFESTS, "helm-template.yaml"), { stdin: noStdin() });
    const volumes = (objects[2]?.object["spec"] as { volumes: { configMap?: { defaultMode: number }; secret?: { defaultMode: number } }[] }).volumes;
    assert.equal(volumes[0]?.configMap?.defaultMode, 420);
    assert.equal(volumes[1]?.secret?.defaultMode, 384);
  });

  it("unpacks kind: List and typed lists, naming each item's position", async () => {
    const objects = await readManifests(join(MANIFESTS, "list.yaml"), { stdin: noStdin() });
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.location.document, o.location.item, o.location.line]),
      [
        ["Deployment", "web", 1, 1, 7],
        ["ConfigMap", "web-config", 1, 2, 24],
        ["ServiceAccount", "builder", 2, 1, 35],
      ],
    );
  });

  it("unpacks a JSON List (kubectl get -o json)", async () => {
    const objects = await readManifests(join(MANIFESTS, "list.json"), { stdin: noStdin() });
    assert.deepEqual(objects.map((o) => [o.kind, o.name, o.location.item]), [["Namespace", "shop", 1], ["ConfigMap", "a", 2]]);
  });

  it("reads every .yaml/.yml/.json below a folder, sorted, skipping dot-folders and other files", async () => {
    const folder = join(MANIFESTS, "folder");
    const objects = await readManifests(folder, { stdin: noStdin() });
    assert.deepEqual(
      objects.map((o) => o.location.source),
      [join(folder, "a-namespace.yml"), join(folder, "b-service.yaml"), join(folder, "nested", "c-configmap.json")],
    );
  });

  it("reads YAML from standard input for -", async () => {
    const stdin = Readable.from([Buffer.from("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"]);
    const objects = await readManifests("-", { stdin });
    assert.deepEqual(objects.map((o) => [o.name, o.location.source, o.location.document]), [["a", "<stdin>", 1], ["b", "<stdin>", 2]]);
  });

  it("reads JSON from standard input for -", async () => {
    const stdin = Readable.from(['{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}]}']);
    const objects = await readManifests("-", { stdin });
    assert.deepEqual(objects.map((o) => [o.kind, o.name, o.location.item]), [["Namespace", "a", 1]]);
  });

  it("parses a document once when both sides hold the same text (shared cache)", async () => {
    const cache: ManifestCache = new Map();
    const first = await readManifests(join(MANIFESTS, "list.yaml"), { stdin: noStdin(), cache });
    const second = await readManifests(join(MANIFESTS, "list.yaml"), { stdin: noStdin(), cache });
    assert.equal(first[0]?.object, second[0]?.object);
  });

  it("reads streams with directives or explicit document ends whole, with the same numbering", async () => {
    const text = "%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n...\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n";
    const objects = await readManifests("-", { stdin: Readable.from([text]) });
    assert.deepEqual(objects.map((o) => [o.name, o.location.document, o.location.line]), [["a", 1, 3], ["b", 2, 9]]);
  });
});

describe("readManifests errors", () => {
  it("names the file, the 1-based document and its line when metadata.name is missing", async () => {
    const path = join(INVALID, "missing-name.yaml");
    const err = await readError(path);
    assert.equal(err.code, "ERR_MANIFEST_INVALID");
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, `${path} document 3 (1-based, line 11): not a Kubernetes object: metadata.name is missing`);
  });

  it("names the document that is not YAML", async () => {
    const err = await readError(join(INVALID, "not-yaml.yaml"));
    assert.match(err.message, /not-yaml\.yaml document 2 \(1-based, line 6\): not YAML: .+ \(line \d+\)/);
  });

  it("refuses duplicate keys in a mapping, as kubectl does", async () => {
    const err = await readError(join(INVALID, "duplicate-key.yaml"));
    assert.match(err.message, /duplicate-key\.yaml document 1 \(1-based, line 1\): not YAML: Map keys must be unique/);
  });

  it("says that a kustomization file is an input of kustomize build, not an object", async () => {
    const err = await readError(join(INVALID, "kustomization.yaml"));
    assert.match(err.message, /document 1 .*metadata\.name is missing \(this is a kustomization file/);
  });

  it("refuses a document that is not a mapping", async () => {
    const err = await readError(join(INVALID, "scalar.yaml"));
    assert.match(err.message, /scalar\.yaml document 2 \(1-based, line 6\): not a Kubernetes object: the document is a string/);
  });

  it("names the List item without a kind", async () => {
    const err = await readError(join(INVALID, "list-item.yaml"));
    assert.match(err.message, /list-item\.yaml document 1 item 2 \(1-based, line 8\): not a Kubernetes object: kind is missing/);
  });

  it("refuses label values that are not strings (the API server would too)", async () => {
    const err = await readError(join(INVALID, "label-not-string.yaml"));
    assert.match(err.message, /document 1 .*metadata\.labels\.version: .*expected string/);
  });

  it("names a .json file that is not JSON", async () => {
    const err = await readError(join(INVALID, "bad.json"));
    assert.match(err.message, /bad\.json document 1 \(1-based\): not JSON: /);
  });

  it("lists every bad document of a folder", async () => {
    const err = await readError(INVALID);
    assert.match(err.message, /^\d+ documents are not valid manifests:\n/);
    for (const file of ["bad.json", "duplicate-key.yaml", "kustomization.yaml", "list-item.yaml", "missing-name.yaml", "not-yaml.yaml", "scalar.yaml"]) {
      assert.ok(err.message.includes(join(INVALID, file)), `${file} named in:\n${err.message}`);
    }
  });

  it("reports a path that does not exist as unreadable", async () => {
    const err = await readError(join(INVALID, "no-such-file.yaml"));
    assert.equal(err.code, "ERR_INPUT_UNREADABLE");
    assert.match(err.message, /cannot read .*no-such-file\.yaml: ENOENT/);
  });

  it("reports a folder without manifests as unreadable rather than an empty set", async () => {
    const folder = await mkdtemp(join(tmpdir(), "gitops-guard-empty-"));
    try {
      await writeFile(join(folder, "notes.md"), "no manifests here\n");
      const err = await readError(folder);
      assert.equal(err.code, "ERR_INPUT_UNREADABLE");
      assert.equal(err.message, `${folder}: no .yaml, .yml or .json file below this folder`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
