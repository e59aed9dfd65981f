import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { findFindings } from "../../src/core/rules/find-findings.ts";
import { compareObjects } from "../../src/core/compare/compare-objects.ts";
import { mutateRequest, type AdmissionContext } from "../../src/core/admission/mutate-request.ts";
import { answerReview } from "../../src/core/admission/admission-response.ts";
import { admissionReviewSchema } from "../../src/core/admission/admission-review.ts";
import { getAt, parsePathPattern, type PathSegment } from "../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../src/core/k8s/json.ts";
import { groupOf, versionOf } from "../../src/core/k8s/kube-object.ts";
import type { Policy } from "../../src/core/policy/policy-schema.ts";
import { readPolicyFile } from "../../src/adapters/fs/read-policy-file.ts";
import { defaultPolicyPath } from "../../src/adapters/fs/package-root.ts";
import { builtinCatalogue } from "../support/rule-case.ts";
import { acceptAnswer, type AcceptedAnswer } from "../support/apiserver-acceptance.ts";
import { httpsRequest } from "../support/https-client.ts";
import { startTestWebhook, type TestWebhook } from "../support/webhook-server.ts";

/**
 * Conformance of the immutable-field engine with kube-apiserver (v1.33–v1.35, default feature
 * gates). Every file under pairs/<group>-<kind>/ holds three YAML documents: a header saying what
 * the API server does with the UPDATE (reference/k8s-immutable-fields.md, or the Kubernetes source
 * it names), the live object as the API server stores it, and the object it is asked to store.
 */
const PAIRS = join(dirname(fileURLToPath(import.meta.url)), "pairs");

const headerSchema = z
  .object({
    expect: z.enum(["refused", "accepted"]),
    /** Field paths the API server refuses to change (Kubernetes field-path notation); refused only. */
    paths: z.array(z.string().min(1)).default([]),
    why: z.string().min(1),
    source: z.string().min(1),
  })
  .strict()
  .refine((h) => (h.expect === "refused") === (h.paths.length > 0), {
    message: "refused pairs name at least one path; accepted pairs name none",
  });

type Header = z.infer<typeof headerSchema>;

interface Pair {
  readonly name: string;
  readonly header: Header;
  readonly old: JsonObject;
  readonly new: JsonObject;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return entry.name.endsWith(".yaml") ? [path] : [];
    })
    .sort();
}

function loadPair(file: string): Pair {
  const name = relative(PAIRS, file).replace(/\.yaml$/, "");
  const docs = parseAllDocuments(readFileSync(file, "utf8")).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0]?.message}`);
    return doc.toJSON() as JsonValue;
  });
  const [header, oldDoc, newDoc] = docs;
  if (docs.length !== 3 || !isJsonObject(oldDoc) || !isJsonObject(newDoc)) {
    throw new Error(`${name}: expected three documents (header, old, new), found ${docs.length}`);
  }
  const parsed = headerSchema.safeParse(header);
  if (!parsed.success) throw new Error(`${name}: bad header: ${parsed.error.message}`);
  return { name, header: parsed.data, old: oldDoc, new: newDoc };
}

/** True when `path` is `prefix` or lies below it (segment-wise, so label keys with dots are safe). */
function atOrBelow(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

function stringAt(object: JsonObject, ...segments: string[]): string {
  const value = getAt(object, segments);
  return typeof value === "string" ? value : "";
}

/** The REST resource of a kind: lower-case plural (Endpoints stays, -ss → -sses, -y → -ies). */
function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === "endpoints") return lower;
  if (lower.endsWith("s")) return `${lower}es`;
  if (lower.endsWith("y")) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** An UPDATE AdmissionReview v1 as kube-apiserver sends it for `kubectl apply` by a cluster admin. */
function updateReview(pair: Pair, index: number): { apiVersion: string; kind: string; request: Record<string, unknown> & { uid: string; object: JsonObject } } {
  const apiVersion = stringAt(pair.new, "apiVersion");
  const gvk = { group: groupOf(apiVersion), version: versionOf(apiVersion), kind: stringAt(pair.new, "kind") };
  const gvr = { group: gvk.group, version: gvk.version, resource: resourceOf(gvk.kind) };
  const namespace = stringAt(pair.old, "metadata", "namespace");
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `00000000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`,
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: stringAt(pair.old, "metadata", "name"),
      ...(namespace !== "" ? { namespace } : {}),
      operation: "UPDATE",
      userInfo: { username: "kubernetes-admin", groups: ["kubeadm:cluster-admins", "system:authenticated"] },
      object: structuredClone(pair.new),
      oldObject: structuredClone(pair.old),
      dryRun: false,
      options: { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: "kubectl-client-side-apply" },
    },
  };
}

const pairs = yamlFiles(PAIRS).map(loadPair);

let policy: Policy;
before(async () => {
  policy = (await readPolicyFile(defaultPolicyPath())).policy;
});

function context(): AdmissionContext {
  return { catalogue: builtinCatalogue(), policy, guardNamespace: "gitops-guard" };
}

describe("conformance corpus", () => {
  it("covers at least 200 pairs across at least 45 kinds", () => {
    const kinds = new Set(pairs.map((p) => `${groupOf(stringAt(p.new, "apiVersion"))}/${stringAt(p.new, "kind")}`));
    assert.ok(pairs.length >= 200, `only ${pairs.length} pairs`);
    assert.ok(kinds.size >= 45, `only ${kinds.size} kinds`);
    assert.ok(pairs.some((p) => p.header.expect === "refused") && pairs.some((p) => p.header.expect === "accepted"));
  });
});

describe("check: findings agree with kube-apiserver", () => {
  for (const pair of pairs) {
    it(`${pair.name} (${pair.header.expect})`, () => {
      const findings = findFindings(builtinCatalogue(), { old: pair.old, new: pair.new });
      const shown = JSON.stringify(findings.map((f) => [f.ruleId, f.path, f.class, f.severity]));
      const blocking = findings.filter((f) => f.severity === "blocking");
      if (pair.header.expect === "accepted") {
        assert.deepEqual(blocking.map((f) => `${f.ruleId} ${f.path}`), [], `${pair.header.why}`);
        return;
      }
      for (const path of pair.header.paths) {
        const prefix = parsePathPattern(path);
        const hit = findings.find(
          (f) => (f.severity === "blocking" || f.class === "server-assigned") && atOrBelow(f.segments, prefix),
        );
        assert.ok(hit, `expected a blocking or server-assigned finding at or below ${path} (${pair.header.why}); got ${shown}`);
      }
    });
  }
});

/** What kube-apiserver stores for a Secret: stringData folded into data (base64), then dropped. */
function asStored(object: JsonObject | undefined): JsonObject | undefined {
  if (!object || object["kind"] !== "Secret" || !isJsonObject(object["stringData"])) return object;
  const { stringData, ...rest } = object;
  const data = { ...(isJsonObject(rest["data"]) ? rest["data"] : {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), "utf8").toString("base64");
  return { ...rest, data };
}

function checkAnswer(pair: Pair, answer: AcceptedAnswer, live: JsonObject, label: string): void {
  const summary = `${label}: ${answer.allowed ? "allowed" : `denied ${answer.code ?? ""}`}; patch ${JSON.stringify(answer.patch.map((op) => op.path))}`;
  if (pair.header.expect === "accepted") {
    assert.equal(answer.allowed, true, `accepted change denied (${summary}): ${answer.message ?? ""}`);
    const outside = answer.patch.filter((op) => !op.path.startsWith("/metadata/") && op.path !== "/metadata");
    assert.deepEqual(outside.map((op) => op.path), [], `accepted change patched outside metadata (${summary})`);
    return;
  }
  if (!answer.allowed) return;
  for (const path of pair.header.paths) {
    const segments = parsePathPattern(path);
    // Semantically equal, as apiequality.Semantic.DeepEqual judges it: an empty map or list is
    // the same as none (a reverted nodeSelector key may leave `nodeSelector: {}`).
    const left = compareObjects(getAt(live, segments), getAt(asStored(answer.patchedObject), segments), { ignore: [] });
    assert.deepEqual(left.map((c) => c.path.join(".")), [], `refused change allowed with ${path} not at the live value (${summary})`);
  }
}

describe("/mutate: the answer leaves kube-apiserver nothing to refuse and changes nothing it accepts", () => {
  pairs.forEach((pair, index) => {
    it(`${pair.name} (${pair.header.expect})`, () => {
      const raw = updateReview(pair, index);
      const review = admissionReviewSchema.parse(raw);
      const outcome = mutateRequest(review.request, context());
      const body: unknown = JSON.parse(
        JSON.stringify(answerReview({ apiVersion: review.apiVersion, uid: review.request.uid }, outcome.verdict, { mayPatch: true })),
      );
      const answer = acceptAnswer(raw, body, "mutating");
      checkAnswer(pair, answer, pair.old, `${outcome.decision.action}: ${outcome.decision.reason}`);
    });
  });
});

/**
 * The same reviews over HTTPS to the real server, as kube-apiserver sends them, twice: applied by
 * kubectl (the default policy denies an unowned conflict) and applied by Flux's
 * kustomize-controller with its owner labels on both objects (the default policy marks: the
 * refused paths are put back at their live values and the object is annotated for replacement).
 * Either way kube-apiserver must be left nothing to refuse, and an accepted change must pass with
 * no patch outside metadata.
 */
describe("/mutate over HTTPS, applied by kubectl and by Flux", () => {
  let hook: TestWebhook;
  before(async () => {
    hook = await startTestWebhook();
  });
  after(async () => {
    await hook.close();
  });

  const FLUX_LABELS = { "kustomize.toolkit.fluxcd.io/name": "apps", "kustomize.toolkit.fluxcd.io/namespace": "flux-system" };

  function withFluxLabels(object: JsonObject): JsonObject {
    const copy = structuredClone(object);
    const metadata = isJsonObject(copy["metadata"]) ? copy["metadata"] : {};
    const labels = isJsonObject(metadata["labels"]) ? metadata["labels"] : {};
    copy["metadata"] = { ...metadata, labels: { ...labels, ...FLUX_LABELS } };
    return copy;
  }

  function fluxReview(pair: Pair, index: number): ReturnType<typeof updateReview> {
    const flux = { ...pair, old: withFluxLabels(pair.old), new: withFluxLabels(pair.new) };
    const review = updateReview(flux, index + pairs.length);
    review.request["userInfo"] = { username: "system:serviceaccount:flux-system:kustomize-controller", groups: ["system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"] };
    review.request["options"] = { apiVersion: "meta.k8s.io/v1", kind: "UpdateOptions", fieldManager: "kustomize-controller" };
    return review;
  }

  it(`answers all ${pairs.length} pairs both ways the way kube-apiserver accepts, the same as a dry run and in v1beta1`, async () => {
    let marked = 0;
    let denied = 0;
    for (const [index, pair] of pairs.entries()) {
      for (const [label, raw] of [["kubectl", updateReview(pair, index)], ["flux", fluxReview(pair, index)]] as const) {
        const res = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(raw) });
        assert.equal(res.status, 200, `${pair.name} (${label}): HTTP ${res.status} ${res.text}`);
        const answer = acceptAnswer(raw, res.json(), "mutating");
        checkAnswer(pair, answer, raw.request["oldObject"] as JsonObject, `${pair.name} (${label})`);
        if (pair.header.expect === "refused" && answer.allowed && answer.patch.length > 0) marked++;
        if (!answer.allowed) denied++;
        // The same request as a dry run, and as admission.k8s.io/v1beta1, gets the same answer.
        const dryRun = { ...raw, request: { ...raw.request, uid: `${raw.request.uid}-dry`, dryRun: true, options: { ...(raw.request["options"] as JsonObject), dryRun: ["All"] } } };
        const v1beta1 = { ...raw, apiVersion: "admission.k8s.io/v1beta1", request: { ...raw.request, uid: `${raw.request.uid}-beta` } };
        for (const [variant, sent] of [["dry run", dryRun], ["v1beta1", v1beta1]] as const) {
          const again = await httpsRequest({ url: `${hook.url}/mutate`, ca: hook.ca, body: JSON.stringify(sent) });
          const same = acceptAnswer(sent, again.json(), "mutating");
          assert.deepEqual([same.allowed, same.code, same.patch], [answer.allowed, answer.code, answer.patch], `${pair.name} (${label}, ${variant}) answered differently`);
        }
        // /validate answers every one of them too, never with a patch.
        const validated = await httpsRequest({ url: `${hook.url}/validate`, ca: hook.ca, body: JSON.stringify(raw) });
        assert.equal(validated.status, 200, `${pair.name} (${label}) /validate: HTTP ${validated.status} ${validated.text}`);
        acceptAnswer(raw, validated.json(), "validating");
      }
    }
    // Both outcomes of a refused change are exercised: the Flux-applied ones are mostly marked.
    assert.ok(marked > 50, `only ${marked} refused changes were patched back`);
    assert.ok(denied > 50, `only ${denied} changes were denied`);
  });
});
