import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { httpsRequest } from "../support/https-client.ts";
import { acceptAnswer } from "../support/apiserver-acceptance.ts";
import { rawReview } from "../support/load-review.ts";
import { loadObject } from "../support/load-yaml.ts";
import type { JsonObject } from "../../src/core/k8s/json.ts";
import { eventually } from "../support/wait-for.ts";

const POLICY = (mode: string): string => `apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\nmode: ${mode}\n`;

function policyConfigMap(text: string): JsonObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "policy", namespace: "gitops-guard" }, data: { "policy.yaml": text } };
}

/** The selector-change review, on an object no GitOps tool owns: denied in enforce mode. */
function unownedSelectorChange(uid: string): ReturnType<typeof rawReview> {
  const raw = rawReview("deployment-selector-change.json");
  raw.request.uid = uid;
  for (const obj of [raw.request.object, raw.request.oldObject] as JsonObject[]) {
    const labels = (obj["metadata"] as JsonObject)["labels"] as JsonObject;
    delete labels["kustomize.toolkit.fluxcd.io/name"];
    delete labels["kustomize.toolkit.fluxcd.io/namespace"];
  }
  raw.request["options"] = { fieldManager: "kubectl-client-side-apply" };
  return raw;
}

describe("gitops-guard serve with a policy ConfigMap and CRD-declared rules (simulated API server)", () => {
  let api: SimulatedApiServer;
  let logs = "";
  let stop: (() => void) | undefined;
  let served: Promise<number>;
  let url = "";
  let ca = "";
  const dir = mkdtempSync(join(tmpdir(), "gg-serve-"));
  const recordsPath = join(dir, "decisions.jsonl");

  before(async () => {
    api = await startKubeApiServer({ namespaces: ["gitops-guard", "web"] });
    api.store.put(policyConfigMap(POLICY("enforce")));
    api.store.put(loadObject("crds/gatewayclasses.gateway.networking.k8s.io.yaml"));
    const stderr = new PassThrough();
    stderr.on("data", (c: Buffer) => (logs += c.toString("utf8")));
    served = main(
      ["serve", "--host", "127.0.0.1", "--port", "0", "--cert-dir", join(dir, "certs"), "--records", recordsPath,
        "--policy-configmap", "gitops-guard/policy", "--kubeconfig", api.kubeconfigPath, "--watch-crds", "--namespace", "gitops-guard",
        // The ConfigMap's policy and the CRDs' rules must reach the decision thread (auto picks it on 2+ cores only).
        "--decide-on", "thread"],
      { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: (signal, handler) => { if (signal === "SIGTERM") stop = handler; } },
      COMMANDS,
    );
    const port = await eventually("the server to listen", async () => /"port":(\d+).*gitops-guard serving/.exec(logs)?.[1]);
    url = `https://127.0.0.1:${port}`;
    ca = readFileSync(join(dir, "certs", "ca.crt"), "utf8");
    await eventually("readiness", async () => ((await httpsRequest({ url: `${url}/readyz`, ca })).status === 200 ? true : undefined));
  });

  after(async () => {
    stop?.();
    await served;
    await api.stop();
  });

  const mutate = async (raw: ReturnType<typeof rawReview>): Promise<ReturnType<typeof acceptAnswer>> => {
    const res = await httpsRequest({ url: `${url}/mutate`, ca, body: JSON.stringify(raw) });
    assert.equal(res.status, 200, res.text);
    return acceptAnswer(raw, res.json(), "mutating");
  };
  const records = (): JsonObject[] => (existsSync(recordsPath) ? readFileSync(recordsPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as JsonObject) : []);
  const recordOf = (uid: string): Promise<JsonObject> => eventually(`record ${uid}`, async () => records().find((r) => r["uid"] === uid));

  it("decides with the ConfigMap's policy and names its version in every record", async () => {
    const answer = await mutate(unownedSelectorChange("cm-enforce"));
    assert.equal(answer.allowed, false);
    assert.match(logs, /"decideOn":"thread"/);
    const rv = (api.store.get({ apiVersion: "v1", kind: "ConfigMap", namespace: "gitops-guard", name: "policy" })!["metadata"] as JsonObject)["resourceVersion"];
    // Records are buffered (4 KiB): later tests flush them at shutdown; here the version is checked via the answer path.
    assert.match(logs, new RegExp(`configmap/gitops-guard/policy#${String(rv)}@[0-9a-f]{16}`));
  });

  it("takes a new valid policy version for the next request, without restart (audit: allow, record what enforce would do)", async () => {
    api.store.put(policyConfigMap(POLICY("audit")));
    const answer = await eventually("audit mode to take effect", async () => {
      const a = await mutate(unownedSelectorChange(`cm-audit-${Date.now()}`));
      return a.allowed ? a : undefined;
    });
    assert.deepEqual(answer.patch, []);
  });

  it("rejects an invalid version: logged, a Warning Event on the ConfigMap, last good policy kept, still ready", async () => {
    api.store.put(policyConfigMap(POLICY("enforcing-typo")));
    await eventually("the rejection log line", async () => (logs.includes("invalid policy rejected") ? true : undefined));
    const events = await eventually("an InvalidPolicy event", async () => {
      const found = api.store.list("v1", "Event", "gitops-guard").filter((e) => e["reason"] === "InvalidPolicy");
      return found.length > 0 ? found : undefined;
    });
    assert.match(String(events[0]!["message"]), /mode/);
    assert.equal(((events[0]!["involvedObject"]) as JsonObject)["name"], "policy");
    assert.equal((await httpsRequest({ url: `${url}/readyz`, ca })).status, 200);
    const answer = await mutate(unownedSelectorChange("cm-after-invalid"));
    assert.equal(answer.allowed, true, "still in audit mode (the last good policy)");
  });

  it("keeps answering while the API server is away, and picks up changes after it comes back", async () => {
    await api.setAvailable(false);
    const during = await mutate(unownedSelectorChange("cm-api-away"));
    assert.equal(during.allowed, true);
    await api.setAvailable(true);
    api.store.put(policyConfigMap(POLICY("enforce")));
    await eventually("enforce mode after reconnecting", async () => {
      const a = await mutate(unownedSelectorChange(`cm-back-${Date.now()}`));
      return a.allowed ? undefined : a;
    }, 20_000);
  });

  it("answers a custom resource change to a `self == oldSelf` field like a built-in immutable change, with the CRD's message", async () => {
    const gc = (controllerName: string): JsonObject => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "internal", uid: "5e0c", resourceVersion: "7" }, spec: { controllerName } });
    const raw = rawReview("deployment-image-update.json");
    raw.request.uid = "crd-immutable";
    raw.request["kind"] = { group: "gateway.networking.k8s.io", version: "v1", kind: "GatewayClass" };
    raw.request["resource"] = { group: "gateway.networking.k8s.io", version: "v1", resource: "gatewayclasses" };
    raw.request["name"] = "internal";
    delete raw.request["namespace"];
    raw.request.oldObject = gc("example.net/gateway-controller");
    raw.request.object = gc("example.net/other-controller");
    raw.request["options"] = { fieldManager: "kubectl-client-side-apply" };
    const answer = await eventually("CRD rules to load", async () => {
      const a = await mutate(raw);
      return a.allowed ? undefined : a;
    });
    assert.equal(answer.code, 422);
    assert.match(answer.message ?? "", /Value is immutable/);
    assert.match(answer.message ?? "", /spec\.controllerName/);
  });

  it("flushes records on SIGTERM; each names the policy version it was decided under, audit ones what enforce would do", async () => {
    stop?.();
    assert.equal(await served, 0);
    const all = records();
    const audit = all.find((r) => r["uid"] === "cm-after-invalid");
    assert.ok(audit, "record of the audit-mode request");
    assert.equal(audit["mode"], "audit");
    assert.equal(audit["action"], "allow");
    assert.equal(audit["enforcedAction"], "deny");
    const enforce = await recordOf("cm-enforce");
    assert.match(String(enforce["policyVersion"]), /^configmap\/gitops-guard\/policy#\d+@[0-9a-f]{16}$/);
    assert.notEqual(enforce["policyVersion"], audit["policyVersion"]);
    stop = undefined;
  });
});
