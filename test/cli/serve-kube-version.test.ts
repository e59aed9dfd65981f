import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../support/kube-apiserver/start-kube-api-server.ts";
import { httpsRequest } from "../support/https-client.ts";
import { acceptAnswer, type AcceptedAnswer } from "../support/apiserver-acceptance.ts";
import { conformancePairs } from "../support/conformance-pairs.ts";
import { updateReview } from "../support/update-review.ts";
import { eventually } from "../support/wait-for.ts";

/**
 * serve judges for the cluster's release: the API server's own /version when serve has API access
 * (here the simulated API server, reporting an EKS-style v1.33 gitVersion), else --kube-version.
 * The same conformance pairs get the v1.33 verdict from one and the v1.37 verdict from the other,
 * through /mutate over HTTPS, decided on the decision thread (the release reaches it as a change).
 */
const pairs = new Map(conformancePairs().map((p) => [p.name, p]));

function review(name: string, index: number): ReturnType<typeof updateReview> {
  const pair = pairs.get(name);
  if (!pair) throw new Error(`no pair ${name}`);
  const raw = updateReview(pair.old, pair.new, index, "kubectl");
  if (pair.header.subresource) raw.request["subResource"] = pair.header.subresource;
  return raw;
}

interface Served {
  readonly url: string;
  readonly ca: string;
  logs(): string;
  stop(): Promise<void>;
}

async function startServe(extra: readonly string[]): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), "gg-serve-kv-"));
  let logs = "";
  let stopHandler: (() => void) | undefined;
  const stderr = new PassThrough();
  stderr.on("data", (c: Buffer) => (logs += c.toString("utf8")));
  const served = main(
    ["serve", "--host", "127.0.0.1", "--port", "0", "--cert-dir", join(dir, "certs"), "--records", "off", "--namespace", "gitops-guard", "--decide-on", "thread", ...extra],
    { stdout: new PassThrough(), stderr, stdin: Readable.from([]), isTTY: false, env: {}, onSignal: (signal, handler) => { if (signal === "SIGTERM") stopHandler = handler; } },
    COMMANDS,
  );
  const port = await eventually("the server to listen", async () => /"port":(\d+).*gitops-guard serving/.exec(logs)?.[1]);
  const url = `https://127.0.0.1:${port}`;
  const ca = readFileSync(join(dir, "certs", "ca.crt"), "utf8");
  await eventually("readiness", async () => ((await httpsRequest({ url: `${url}/readyz`, ca })).status === 200 ? true : undefined));
  return {
    url,
    ca,
    logs: () => logs,
    stop: async () => {
      stopHandler?.();
      await served;
    },
  };
}

async function mutate(server: Served, raw: ReturnType<typeof updateReview>): Promise<AcceptedAnswer> {
  const res = await httpsRequest({ url: `${server.url}/mutate`, ca: server.ca, body: JSON.stringify(raw) });
  assert.equal(res.status, 200, res.text);
  return acceptAnswer(raw, res.json(), "mutating");
}

/** Pairs whose verdict flipped between v1.33 and v1.37 (refused on 1.33, accepted on 1.37). */
const FLIPPED = [
  "storage.k8s.io-csinode/allocatable-change",
  "batch-job/suspended-after-start-node-selector-1.36",
  "batch-job/suspended-never-started-resources-1.36",
  "core-pod-resize/memory-limit-decrease-1.34",
  "core-pod-resize/pod-level-resources-1.36",
];

describe("serve --kube-version and the API server's /version", () => {
  let api: SimulatedApiServer;
  let onCluster: Served;
  let offline: Served;

  before(async () => {
    api = await startKubeApiServer({ namespaces: ["gitops-guard"], kubernetesVersion: "v1.33.4-eks-3025e55" });
    // --kube-version loses to the API server's own answer.
    onCluster = await startServe(["--kubeconfig", api.kubeconfigPath, "--kube-version", "1.37"]);
    offline = await startServe(["--kube-version", "1.37"]);
  });

  after(async () => {
    await onCluster.stop();
    await offline.stop();
    await api.stop();
  });

  it("reads the release from the API server and names it in the start-up log", () => {
    assert.ok(api.requests.some((r) => r.path === "/version"), "serve asked GET /version");
    assert.match(onCluster.logs(), /"kubernetesVersion":"1\.33","kubernetesVersionSource":"api-server"/);
    assert.match(offline.logs(), /"kubernetesVersion":"1\.37","kubernetesVersionSource":"flag"/);
  });

  for (const [index, name] of FLIPPED.entries()) {
    it(`${name}: denied by a v1.33 cluster, allowed on v1.37`, async () => {
      const old = await mutate(onCluster, review(name, index));
      assert.equal(old.allowed, false, `v1.33 should refuse ${name}`);
      const now = await mutate(offline, review(name, index + 100));
      assert.equal(now.allowed, true, `v1.37 should accept ${name}: ${now.message ?? ""}`);
      assert.deepEqual(now.patch, []);
    });
  }

  it("judges pods/resize and still leaves other subresources alone", async () => {
    const raw = review("core-pod-resize/ephemeral-storage", 300);
    assert.equal((await mutate(offline, raw)).allowed, false);
    const status = review("core-pod-resize/ephemeral-storage", 301);
    status.request["subResource"] = "status";
    const answer = await mutate(offline, status);
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.patch, []);
  });

  it("denies with the values as written, never a canonical quantity", async () => {
    const answer = await mutate(onCluster, review("core-pod-resize/memory-limit-decrease", 400));
    assert.equal(answer.allowed, false);
    assert.match(answer.message ?? "", /768Mi/);
    assert.doesNotMatch(answer.message ?? "", /\d+e-\d+/);
  });
});

describe("serve without a reachable API server", () => {
  it("falls back to --kube-version and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gg-kv-kubeconfig-"));
    const kubeconfig = join(dir, "kubeconfig");
    // Port 9 (discard) on loopback: connection refused at once.
    const text = [
      "apiVersion: v1", "kind: Config", "current-context: gone",
      "clusters: [{name: gone, cluster: {server: 'http://127.0.0.1:9'}}]",
      "contexts: [{name: gone, context: {cluster: gone, user: nobody}}]",
      "users: [{name: nobody, user: {token: x}}]", "",
    ].join("\n");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(kubeconfig, text);
    const server = await startServe(["--kubeconfig", kubeconfig, "--kube-version", "1.34"]);
    try {
      assert.match(server.logs(), /could not read the API server's \/version/);
      assert.match(server.logs(), /"kubernetesVersion":"1\.34","kubernetesVersionSource":"flag"/);
      // v1.34: the CSINode allocatable count is still frozen.
      assert.equal((await mutate(server, review("storage.k8s.io-csinode/allocatable-change-before-1.35", 500))).allowed, false);
    } finally {
      await server.stop();
    }
  });
});
