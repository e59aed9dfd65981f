import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { AppError } from "../../../src/errors.ts";
import { isJsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { injectCaBundle, injectCaBundleText } from "../../../src/adapters/tls/inject-ca-bundle.ts";
import { FIXTURES, loadDocuments } from "../../support/load-yaml.ts";

const CA_PEM = readFileSync(join(FIXTURES, "tls", "openssl-ca", "ca.crt"), "utf8");
const CA_BUNDLE = Buffer.from(CA_PEM).toString("base64");

/** Every caBundle of every webhook configuration, in document order (undefined where unset). */
function caBundles(objects: readonly JsonValue[]): (JsonValue | undefined)[] {
  return objects.flatMap((object) => {
    if (!isJsonObject(object)) return [];
    if (object["kind"] === "List" && Array.isArray(object["items"])) return caBundles(object["items"]);
    const webhooks = object["webhooks"];
    if (!Array.isArray(webhooks)) return [];
    return webhooks.map((w) => (isJsonObject(w) && isJsonObject(w["clientConfig"]) ? w["clientConfig"]["caBundle"] : undefined));
  });
}

test("sets caBundle on every webhook of every configuration and leaves the input alone", () => {
  const documents = loadDocuments("tls/webhook-configurations.yaml");
  const before = structuredClone(documents);
  const result = injectCaBundle(documents, CA_PEM);

  assert.equal(result.configurations, 2);
  assert.equal(result.webhooks, 3);
  assert.deepEqual(caBundles(result.objects), [CA_BUNDLE, CA_BUNDLE, CA_BUNDLE]);
  assert.equal(Buffer.from(CA_BUNDLE, "base64").toString("utf8"), CA_PEM);
  assert.deepEqual(documents, before, "the input is not modified");
  assert.deepEqual(result.objects[2], documents[2], "the Service is unchanged");
  const validating = result.objects[1];
  assert.ok(isJsonObject(validating));
  const hooks = validating["webhooks"];
  assert.ok(Array.isArray(hooks) && isJsonObject(hooks[1]) && isJsonObject(hooks[1]["clientConfig"]));
  assert.equal(hooks[1]["clientConfig"]["url"], "https://127.0.0.1:8443/validate", "url webhooks keep their url");
});

test("configurations inside a kind: List are found; a missing clientConfig is created", () => {
  const list: JsonValue = JSON.parse(readFileSync(join(FIXTURES, "tls", "webhook-configurations-list.json"), "utf8"));
  assert.deepEqual(caBundles(injectCaBundle([list], CA_PEM).objects), [CA_BUNDLE]);

  const bare: JsonValue = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", webhooks: [{ name: "a.example.com" }] };
  assert.deepEqual(caBundles(injectCaBundle([bare], CA_PEM).objects), [CA_BUNDLE]);
});

test("YAML text: comments and other documents survive, the stale bundle is replaced", () => {
  const text = readFileSync(join(FIXTURES, "tls", "webhook-configurations.yaml"), "utf8");
  const result = injectCaBundleText(text, CA_PEM, "webhook-configurations.yaml");

  assert.equal(result.webhooks, 3);
  assert.match(result.text, /^# Webhook configurations as deploy\/ would ship them/);
  assert.match(result.text, /name: mutate\.gitops-guard\.io # restores immutable fields/);
  assert.doesNotMatch(result.text, /b2xkLWJ1bmRsZQ==/);
  const reparsed = parseAllDocuments(result.text).map((doc): JsonValue => doc.toJSON());
  assert.equal(reparsed.length, 3);
  assert.deepEqual(caBundles(reparsed), [CA_BUNDLE, CA_BUNDLE, CA_BUNDLE]);
  assert.deepEqual(reparsed[2], loadDocuments("tls/webhook-configurations.yaml")[2]);
  // Injecting again changes nothing.
  assert.equal(injectCaBundleText(result.text, CA_PEM, "again").text, result.text);
});

test("JSON text stays JSON", () => {
  const text = readFileSync(join(FIXTURES, "tls", "webhook-configurations-list.json"), "utf8");
  const result = injectCaBundleText(text, CA_PEM, "list.json");
  assert.equal(result.configurations, 1);
  const parsed: JsonValue = JSON.parse(result.text);
  assert.deepEqual(caBundles([parsed]), [CA_BUNDLE]);
});

test("text that does not parse is ERR_MANIFEST_INVALID; text without webhooks counts zero", () => {
  const isInvalid = (err: unknown): boolean => err instanceof AppError && err.code === "ERR_MANIFEST_INVALID";
  assert.throws(() => injectCaBundleText("a: [unclosed\n", CA_PEM, "bad.yaml"), isInvalid);
  assert.throws(() => injectCaBundleText("{ not json", CA_PEM, "bad.json"), isInvalid);
  const none = injectCaBundleText(readFileSync(join(FIXTURES, "tls", "no-webhooks.yaml"), "utf8"), CA_PEM, "no-webhooks.yaml");
  assert.equal(none.webhooks, 0);
  assert.equal(none.configurations, 0);
});
