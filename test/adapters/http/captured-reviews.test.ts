import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Agent } from "node:https";
import { parse } from "yaml";
import { z } from "zod";
import { isJsonObject, type JsonObject, type JsonValue } from "../../../src/core/k8s/json.ts";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { findFindings } from "../../../src/core/rules/find-findings.ts";
import { FIXTURES } from "../../support/load-yaml.ts";
import { builtinCatalogue } from "../../support/rule-case.ts";
import { httpsRequest } from "../../support/https-client.ts";
import { startTestWebhook, DECIDE_ON, type TestWebhook } from "../../support/webhook-server.ts";
import { acceptAnswer, type AcceptedAnswer } from "../../support/apiserver-acceptance.ts";
import { waitFor } from "../../support/wait-for.ts";

/**
 * AdmissionReviews shaped exactly as kube-apiserver sends them (see the header of
 * test/fixtures/captured-reviews/expectations.yaml), sent over HTTPS to the real server; each
 * answer must be one kube-apiserver accepts, and the one the expectations name.
 */
const DIR = join(FIXTURES, "captured-reviews");

const expectationSchema = z
  .object({
    webhook: z.enum(["mutate", "validate"]),
    allowed: z.boolean(),
    patch: z.enum(["none", "required", "any"]).default("none"),
    code: z.number().int().min(400).optional(),
    warning: z.string().min(1).optional(),
    why: z.string().min(1),
  })
  .strict()
  .refine((e) => e.allowed === (e.code === undefined), { message: "a denial names its code; an allow has none" })
  .refine((e) => e.patch === "none" || (e.allowed && e.webhook === "mutate"), { message: "only an allowing /mutate answer may patch" });

type Expectation = z.infer<typeof expectationSchema>;

const EXPECTATIONS: Record<string, Expectation> = z.record(z.string(), expectationSchema).parse(parse(readFileSync(join(DIR, "expectations.yaml"), "utf8")));
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

/** The request fields these checks read; the body is sent exactly as stored. */
const gv = z.object({ group: z.string(), version: z.string() });
const requestSchema = z
  .object({
    uid: z.string(),
    kind: gv.extend({ kind: z.string().min(1) }).strict(),
    resource: gv.extend({ resource: z.string().min(1) }).strict(),
    subResource: z.string().min(1).optional(),
    requestKind: gv.extend({ kind: z.string().min(1) }).strict().optional(),
    requestResource: gv.extend({ resource: z.string().min(1) }).strict().optional(),
    requestSubResource: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    namespace: z.string().min(1).optional(),
    operation: z.enum(["CREATE", "UPDATE", "DELETE", "CONNECT"]),
    userInfo: z
      .object({ username: z.string().min(1), uid: z.string().optional(), groups: z.array(z.string()).optional(), extra: z.record(z.string(), z.array(z.string())).optional() })
      .strict(),
    object: z.custom<JsonObject>(isJsonObject).nullable(),
    oldObject: z.custom<JsonObject>(isJsonObject).nullable(),
    dryRun: z.boolean().optional(),
    options: z.custom<JsonObject>(isJsonObject).nullable().optional(),
  })
  .strict();
const reviewSchema = z.object({ apiVersion: z.enum(["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]), kind: z.literal("AdmissionReview"), request: requestSchema }).strict();
type Review = z.infer<typeof reviewSchema>;

interface Captured {
  readonly file: string;
  readonly text: string;
  readonly review: Review;
  readonly expect: Expectation;
}

function load(file: string): Captured {
  const text = readFileSync(join(DIR, file), "utf8");
  const expect = EXPECTATIONS[file];
  assert.ok(expect, `${file} has no entry in expectations.yaml`);
  return { file, text, review: reviewSchema.parse(JSON.parse(text)), expect };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPTIONS_KIND = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions" } as const;
/** Kinds stored without a namespace that appear here (the request then has none, except Namespace itself). */
const CLUSTER_SCOPED = new Set(["Namespace", "Node", "ClusterRole", "CustomResourceDefinition"]);

/**
 * The fixture is what kube-apiserver would send (admissionreview.go CreateV1AdmissionReview and the
 * handlers that build the attributes), so a passing answer means something for real traffic.
 */
function checkShape({ file, review }: Captured): void {
  const r = review.request;
  const legacy = review.apiVersion === "admission.k8s.io/v1beta1" && r.requestKind === undefined;
  assert.match(r.uid, UUID, `${file}: uid is a fresh UUID per call`);
  if (!legacy) {
    assert.ok(r.requestKind && r.requestResource, `${file}: requestKind/requestResource are always set since v1.15`);
    assert.equal(r.requestSubResource, r.subResource, `${file}: requestSubResource mirrors subResource`);
    assert.equal(typeof r.dryRun, "boolean", `${file}: dryRun is always set (admissionreview.go: DryRun: &dryRun)`);
  }
  assert.equal(r.object === null, r.operation === "DELETE", `${file}: object is null exactly on DELETE`);
  assert.equal(r.oldObject === null, r.operation === "CREATE" || r.operation === "CONNECT", `${file}: oldObject is null on CREATE and CONNECT`);
  if (r.operation === "CONNECT") {
    assert.equal(r.options ?? null, null, `${file}: CONNECT passes no options (rest.go: admission.Connect, nil)`);
  } else if (!legacy) {
    assert.ok(r.options, `${file}: options are set for ${r.operation}`);
    assert.equal(r.options["kind"], OPTIONS_KIND[r.operation], `${file}: options kind`);
    assert.equal(r.options["apiVersion"], "meta.k8s.io/v1", `${file}: options apiVersion`);
    const dryRunAll = Array.isArray(r.options["dryRun"]) && r.options["dryRun"].includes("All");
    assert.equal(r.dryRun === true, dryRunAll, `${file}: dryRun agrees with options.dryRun`);
  }
  if (r.name === undefined) {
    assert.equal(r.operation, "CREATE", `${file}: only a CREATE may lack a name`);
    assert.ok(typeof getAt(r.object ?? undefined, ["metadata", "generateName"]) === "string", `${file}: a nameless CREATE uses generateName`);
  }
  if (CLUSTER_SCOPED.has(r.kind.kind)) {
    // requestinfo.go: /api/v1/namespaces/{name} sets the namespace to the name; other cluster-scoped paths have none.
    const expected = r.kind.kind === "Namespace" && r.operation !== "CREATE" ? r.name : undefined;
    assert.equal(r.namespace, expected, `${file}: namespace of a cluster-scoped request`);
  }
  if (!r.subResource && r.operation !== "CONNECT") {
    const object = r.object ?? r.oldObject;
    const apiVersion = r.kind.group === "" ? r.kind.version : `${r.kind.group}/${r.kind.version}`;
    assert.equal(object?.["apiVersion"], apiVersion, `${file}: object is encoded in the webhook's version`);
    assert.equal(object?.["kind"], r.kind.kind, `${file}: object kind`);
  }
}

/** Secret values (as sent, base64, and decoded) of a Secret review, to be kept out of every output. */
function secretValues(review: Review): string[] {
  if (review.request.kind.kind !== "Secret" || review.request.subResource) return [];
  const values = new Set<string>();
  for (const object of [review.request.object, review.request.oldObject]) {
    const data = getAt(object ?? undefined, ["data"]);
    if (!isJsonObject(data)) continue;
    for (const value of Object.values(data)) {
      if (typeof value !== "string") continue;
      values.add(value);
      values.add(Buffer.from(value, "base64").toString("utf8"));
    }
  }
  return [...values].filter((v) => v.length >= 8);
}

/** Every string in a JSON value. */
function stringsIn(value: JsonValue | undefined): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isJsonObject(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

function jsonPointer(path: string): string[] {
  return path.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** A Secret value may reach the answer only inside a patch op that puts the live value back where it was. */
function checkNoSecretLeak(file: string, review: Review, answer: AcceptedAnswer, body: unknown): void {
  const values = secretValues(review);
  if (values.length === 0) return;
  const response = isJsonObject(body) && isJsonObject(body["response"]) ? body["response"] : {};
  const outside = JSON.stringify({ ...response, patch: undefined });
  for (const value of values) assert.ok(!outside.includes(value), `${file}: a Secret value appears in the answer outside the patch`);
  for (const op of answer.patch) {
    const opStrings = "value" in op ? stringsIn(op.value) : [];
    if (!opStrings.some((s) => values.includes(s))) continue;
    const live = getAt(review.request.oldObject ?? undefined, jsonPointer(op.path));
    assert.ok((op.op === "replace" || op.op === "add") && op.value === live, `${file}: patch op ${op.op} ${op.path} carries a Secret value that is not the live one`);
  }
}

/** What kube-apiserver's mutating dispatcher and the update path require of an applied patch. */
function checkPatch(file: string, review: Review, answer: AcceptedAnswer): void {
  if (answer.patch.length === 0) return;
  const r = review.request;
  assert.equal(r.subResource, undefined, `${file}: a subresource request is never patched`);
  assert.ok(r.operation === "CREATE" || r.operation === "UPDATE", `${file}: ${r.operation} cannot be patched (mutating/dispatcher.go)`);
  const patched = answer.patchedObject;
  assert.ok(patched && r.object, `${file}: the patch applies to the object`);
  for (const path of [["apiVersion"], ["kind"], ["metadata", "name"], ["metadata", "namespace"], ["metadata", "uid"], ["metadata", "resourceVersion"]]) {
    assert.deepEqual(getAt(patched, path), getAt(r.object, path), `${file}: the patch must not change ${path.join(".")}`);
  }
  if (r.operation === "UPDATE" && r.oldObject) {
    // After the patch, nothing the API server refuses may remain (the point of patching).
    const left = findFindings(builtinCatalogue(), { old: r.oldObject, new: patched })
      .filter((f) => (f.class === "immutable" || f.class === "declared") && f.severity === "blocking")
      .map((f) => f.path);
    assert.deepEqual(left, [], `${file}: the patched object still changes immutable fields`);
  }
}

/** kube-apiserver stores audit annotations as `<webhook>/<key>`; a key that is not a qualified name is dropped. */
const AUDIT_KEY = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function checkExpectation(file: string, expect: Expectation, answer: AcceptedAnswer, body: unknown): void {
  assert.equal(answer.allowed, expect.allowed, `${file}: allowed (${answer.message ?? "no message"})`);
  if (expect.code !== undefined) {
    assert.equal(answer.code, expect.code, `${file}: denial code`);
    assert.ok((answer.message ?? "").length > 0, `${file}: a denial says why`);
  }
  if (expect.patch === "none") assert.deepEqual(answer.patch, [], `${file}: no patch expected`);
  if (expect.patch === "required") assert.ok(answer.patch.length > 0, `${file}: a patch is expected`);
  if (expect.warning !== undefined) {
    const pattern = new RegExp(expect.warning);
    assert.ok(answer.warnings.some((w) => pattern.test(w)), `${file}: a warning matching ${expect.warning}; got ${JSON.stringify(answer.warnings)}`);
  }
  for (const warning of answer.warnings) {
    // admission/v1 types.go: "Limit warnings to 120 characters if possible".
    assert.ok(warning.length <= 120, `${file}: warning longer than 120 characters: ${warning}`);
  }
  const response = isJsonObject(body) ? body["response"] : undefined;
  const audit = isJsonObject(response) ? response["auditAnnotations"] : undefined;
  if (isJsonObject(audit)) for (const key of Object.keys(audit)) assert.match(key, AUDIT_KEY, `${file}: audit annotation key`);
}

describe("AdmissionReviews as kube-apiserver sends them (captured shapes)", () => {
  const captured = FILES.map(load);

  it("has an expectation for every review and a review for every expectation", () => {
    assert.deepEqual(Object.keys(EXPECTATIONS).sort(), FILES);
  });

  it("covers v1 and v1beta1, every operation, status and scale subresources, dry-run and both answers", () => {
    const requests = captured.map((c) => c.review.request);
    assert.ok(captured.length >= 30, `${captured.length} reviews`);
    assert.deepEqual([...new Set(captured.map((c) => c.review.apiVersion))].sort(), ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]);
    assert.deepEqual([...new Set(requests.map((r) => r.operation))].sort(), ["CONNECT", "CREATE", "DELETE", "UPDATE"]);
    for (const sub of ["status", "scale", "exec", "eviction", "binding", "ephemeralcontainers", "token"]) {
      assert.ok(requests.some((r) => r.subResource === sub), `a ${sub} subresource review`);
    }
    assert.ok(requests.some((r) => r.dryRun === true), "a dry-run review");
    assert.ok(captured.some((c) => !c.expect.allowed) && captured.some((c) => c.expect.patch === "required"), "denials and patches");
  });

  for (const c of captured) {
    it(`${c.file} is shaped as kube-apiserver builds it`, () => checkShape(c));
  }

  for (const decideOn of DECIDE_ON) describe(`sent to the real server over HTTPS (deciding on the ${decideOn})`, () => {
    let hook: TestWebhook;
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    before(async () => {
      hook = await startTestWebhook({ decideOn });
    });
    after(async () => {
      agent.destroy();
      await hook.close();
    });

    const send = async (c: Captured, webhook: "mutate" | "validate"): Promise<{ answer: AcceptedAnswer; body: unknown }> => {
      // The stored bytes as they are: kube-apiserver's encoding, not a re-serialisation.
      const res = await httpsRequest({ url: `${hook.url}/${webhook}`, ca: hook.ca, body: c.text, agent });
      assert.equal(res.status, 200, `${c.file} → /${webhook}: ${res.text}`);
      const body = res.json();
      const sent = { apiVersion: c.review.apiVersion, request: { uid: c.review.request.uid, object: c.review.request.object ?? undefined } };
      return { answer: acceptAnswer(sent, body, webhook === "mutate" ? "mutating" : "validating"), body };
    };

    for (const c of captured) {
      const other = c.expect.webhook === "mutate" ? "validate" : "mutate";
      it(`${c.file} → /${c.expect.webhook}: ${c.expect.why}`, async () => {
        const { answer, body } = await send(c, c.expect.webhook);
        checkExpectation(c.file, c.expect, answer, body);
        checkPatch(c.file, c.review, answer);
        checkNoSecretLeak(c.file, c.review, answer, body);
        // The other webhook may see the same request (both match UPDATE): its answer must be acceptable too.
        const second = await send(c, other);
        checkPatch(c.file, c.review, second.answer);
        checkNoSecretLeak(c.file, c.review, second.answer, second.body);
      });
    }

    it("records and logs every decision without a Secret value", async () => {
      const uids = captured.map((c) => c.review.request.uid);
      await waitFor("a record of every review", () => {
        const text = hook.recordLines().join("\n");
        return uids.every((uid) => text.includes(uid));
      });
      const written = `${hook.recordLines().join("\n")}\n${hook.logText()}`;
      for (const c of captured) {
        for (const value of secretValues(c.review)) assert.ok(!written.includes(value), `${c.file}: a Secret value was recorded or logged`);
      }
    });
  });
});
