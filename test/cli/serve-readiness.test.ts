import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { startKubeApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { httpsRequest } from "../support/https-client.ts";
import { acceptAnswer } from "../support/apiserver-acceptance.ts";
import { rawReview } from "../support/load-review.ts";
import { eventually } from "../support/wait-for.ts";

describe("gitops-guard serve before its policy ConfigMap exists", () => {
  it("is not ready and fails open until a valid policy has loaded, then becomes ready", async () => {
    const api = await startKubeApiServer({ namespaces: ["gitops-guard"] });
    const dir = mkdtempSync(join(tmpdir(), "gg-ready-"));
    let logs = "";
    let stop: (() => void) | undefined;
    const stderr = new PassThrough();
    stderr.on("data", (c: Buffer) => (logs += c.toString("utf8")));
    const served = main(
      ["serve", "--host", "127.0.0.1", "--port", "0", "--cert-dir", join(dir, "certs"), "--records", "off",
        "--policy-configmap", "gitops-guard/policy", "--kubeconfig", api.kubeconfigPath],
      { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: (signal, handler) => { if (signal === "SIGTERM") stop = handler; } },
      COMMANDS,
    );
    try {
      const port = await eventually("the server to listen", async () => /"port":(\d+).*gitops-guard serving/.exec(logs)?.[1]);
      const url = `https://127.0.0.1:${port}`;
      const ca = readFileSync(join(dir, "certs", "ca.crt"), "utf8");
      const notReady = await httpsRequest({ url: `${url}/readyz`, ca });
      assert.equal(notReady.status, 503);
      assert.match(notReady.text, /no valid policy/);
      assert.match(logs, /policy ConfigMap not found/);
      const raw = rawReview("pvc-shrink.json");
      const early = acceptAnswer(raw, (await httpsRequest({ url: `${url}/mutate`, ca, body: JSON.stringify(raw) })).json(), "mutating");
      assert.equal(early.allowed, true, "fails open while no policy is loaded");
      assert.match(early.warnings.join(" "), /failed open/);
      api.store.put({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "policy", namespace: "gitops-guard" }, data: { "policy.yaml": "apiVersion: gitops-guard.io/v1alpha1\nkind: Policy\n" } });
      await eventually("readiness", async () => ((await httpsRequest({ url: `${url}/readyz`, ca })).status === 200 ? true : undefined));
      const later = acceptAnswer(raw, (await httpsRequest({ url: `${url}/mutate`, ca, body: JSON.stringify(raw) })).json(), "mutating");
      assert.equal(later.allowed, false, "the loaded policy denies the PVC shrink");
    } finally {
      stop?.();
      await served;
      await api.stop();
    }
  });
});

describe("gitops-guard serve flags", () => {
  it("refuses an unknown --decide-on value with a usage error naming the flag as typed", async () => {
    const stderr = new PassThrough();
    let text = "";
    stderr.on("data", (c: Buffer) => (text += c.toString("utf8")));
    const code = await main(["serve", "--port", "0", "--decide-on", "gpu"], { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: () => undefined }, COMMANDS);
    assert.equal(code, 2);
    assert.match(text, /ERR_USAGE: serve: --decide-on: .*"auto"\|"thread"\|"request-thread"/);
  });
});
