import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { diagnoseMessage, TOOLS } from "../../../src/core/assess/diagnose-message.ts";
import { CAUSES } from "../../../src/core/assess/cause.ts";
import { formatRef } from "../../../src/core/assess/object-ref.ts";
import { loadDocuments } from "../../support/load-yaml.ts";

const entrySchema = z.strictObject({
  id: z.string(),
  source: z.string().min(10),
  captured: z.boolean(),
  tool: z.enum(TOOLS).optional(),
  message: z.string().min(1),
  expect: z.strictObject({
    cause: z.enum(CAUSES),
    immutable: z.boolean(),
    objects: z.array(z.string()),
    fields: z.array(z.string()),
  }),
});

const corpus = z.array(entrySchema).parse(loadDocuments("assess/messages.yaml")[0]);

/** "Deployment/-/api" in the fixture = namespace unknown. */
function refText(text: string): string {
  const [kind, namespace, name] = text.split("/");
  return namespace === "-" ? `${kind}/${name}` : text;
}

describe("diagnoseMessage on the corpus of real messages", () => {
  it("holds captured messages for every family and each id once", () => {
    assert.equal(new Set(corpus.map((e) => e.id)).size, corpus.length);
    assert.ok(corpus.filter((e) => e.captured).length >= 25, "most of the corpus is captured text");
  });

  for (const entry of corpus) {
    it(`${entry.id} (${entry.source})`, () => {
      const d = diagnoseMessage(entry.message, entry.tool === undefined ? {} : { tool: entry.tool });
      assert.equal(d.immutable, entry.expect.immutable, "immutable");
      assert.equal(d.cause, entry.expect.cause, "cause");
      assert.deepEqual(d.objects.map(formatRef), entry.expect.objects.map(refText), "objects");
      assert.deepEqual(d.fields, entry.expect.fields, "fields");
    });
  }

  it("calls no 409 and no non-immutable 422 of the corpus immutable (Flux's IsImmutableError does)", () => {
    const notImmutable = corpus.filter((e) => ["conflict", "invalid", "forbidden"].includes(e.expect.cause));
    assert.ok(notImmutable.length >= 7);
    for (const e of notImmutable) assert.equal(diagnoseMessage(e.message).immutable, false, e.id);
  });
});

describe("diagnoseMessage on hostile input", () => {
  it("bounds the work and the output: a 4 MB message naming 100,000 objects", () => {
    let n = 0;
    const one = 'Deployment.apps "a1" is invalid: spec.selector: Invalid value: "x": field is immutable\n';
    const text = one.repeat(Math.ceil((4 * 1024 * 1024) / one.length)).replaceAll('"a1"', () => `"a${(n++).toString(36)}"`);
    const started = performance.now();
    const d = diagnoseMessage(text);
    assert.ok(performance.now() - started < 2000, "linear-time patterns");
    assert.ok(d.objects.length <= 50);
    assert.ok(d.fields.length <= 50);
    assert.equal(d.immutable, true);
  });

  it("treats __proto__ and constructor as names like any other", () => {
    const d = diagnoseMessage('Deployment/__proto__/constructor dry-run failed (Invalid): Deployment.apps "constructor" is invalid: spec.selector: Invalid value: "x": field is immutable');
    // Kubernetes names are lower-case DNS labels: "__proto__" is not one, so only the API server's form matches.
    assert.deepEqual(d.objects.map(formatRef), ["Deployment/constructor"]);
  });
});
