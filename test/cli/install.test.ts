import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { runCli } from "../support/run-cli.ts";

const docs = (text: string): Record<string, unknown>[] => parseAllDocuments(text).map((d) => d.toJSON() as Record<string, unknown>);

describe("gitops-guard install", () => {
  it("--export prints the install, headed by the flags that make it and the certificate step", async () => {
    const result = await runCli(["install", "--export", "--namespace", "guard", "--replicas", "3", "--mode", "enforce"]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.equal(lines[0], "# gitops-guard install --export --namespace guard --replicas 3 --mode enforce");
    assert.match(lines[2]!, /^# Certificates first: gitops-guard certs --namespace guard --inject THIS_FILE/);
    assert.equal(docs(result.stdout).length, 22, "namespace, policy, serve (SA, 2 roles, 2 bindings, Service, Deployment, PDB), watch (SA, 3 roles, 3 bindings, Deployment, Service, PDB), 2 webhooks");
  });

  it("refuses to run without --export (it applies nothing itself)", async () => {
    const result = await runCli(["install"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /ERR_USAGE: install: --export is required/);
  });

  for (const [argv, message] of [
    [["--replicas", "two"], /--replicas: a whole number/],
    [["--replicas", "0"], /--replicas: Too small/],
    [["--certificates", "vault"], /--certificates: Invalid option: expected one of "self"\|"cert-manager"/],
    [["--mode", "off"], /--mode: Invalid option/],
    [["--components", "serve,webhook"], /--components: Invalid option/],
    [["--components", ","], /--components: at least one of serve, watch/],
    [["--namespace", "Guard"], /--namespace: a DNS-1123 label/],
    [["--control-plane-cidr", "10.0.0.1"], /--control-plane-cidr: a CIDR/],
    [["--variant", "staging"], /--variant: one of base, production, cert-manager, without-watch/],
  ] as const) {
    it(`names the flag that is wrong: ${argv.join(" ")}`, async () => {
      const result = await runCli(["install", "--export", ...argv]);
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, message);
    });
  }

  it("a flag given with --variant changes that variant", async () => {
    const result = await runCli(["install", "--export", "--variant", "production", "--replicas", "4"]);
    assert.equal(result.stdout.split("\n")[0], "# gitops-guard install --export --replicas 4 --mode enforce --prometheus-operator");
  });

  it("the exported file takes its caBundle from certs --inject, on both webhooks", async (t) => {
    const root = mkdtempSync(join(tmpdir(), "gitops-guard-install-"));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const file = join(root, "guard.yaml");
    writeFileSync(file, (await runCli(["install", "--export"])).stdout);
    const injected = await runCli(["certs", "--dir", join(root, "certs"), "--inject", file]);
    assert.equal(injected.code, 0, injected.stderr);
    assert.match(injected.stdout, /set caBundle .* on 2 webhook\(s\) of 2 configuration\(s\)/);
    const ca = Buffer.from(readFileSync(join(root, "certs", "ca.crt"))).toString("base64");
    const bundles = docs(readFileSync(file, "utf8")).flatMap((d) => ((d["webhooks"] ?? []) as { clientConfig: { caBundle: string } }[]).map((w) => w.clientConfig.caBundle));
    assert.deepEqual(bundles, [ca, ca]);
    assert.ok(existsSync(join(root, "certs", "ca.key")), "ca.key stays on the machine that issued it");
    assert.doesNotMatch(readFileSync(file, "utf8"), /PRIVATE KEY/);
  });

  it("certs --inject refuses a cert-manager export (cainjector owns its caBundle) and leaves the file as it was", async (t) => {
    const root = mkdtempSync(join(tmpdir(), "gitops-guard-install-"));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const file = join(root, "guard.yaml");
    const text = (await runCli(["install", "--export", "--certificates", "cert-manager"])).stdout;
    writeFileSync(file, text);
    const injected = await runCli(["certs", "--dir", join(root, "certs"), "--inject", file]);
    assert.equal(injected.code, 2);
    assert.match(injected.stderr, /MutatingWebhookConfiguration gitops-guard carries cert-manager\.io\/inject-ca-from: cert-manager's cainjector sets its caBundle/);
    assert.equal(readFileSync(file, "utf8"), text);
  });

  it("--kustomize-dir removes files the variant no longer has", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "gitops-guard-install-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "old-watch.yaml"), "kind: Stale\n");
    writeFileSync(join(dir, "README.md"), "kept\n");
    const result = await runCli(["install", "--export", "--variant", "without-watch", "--kustomize-dir", dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(join(dir, "old-watch.yaml")));
    assert.ok(existsSync(join(dir, "README.md")), "only .yaml files are the variant's");
    assert.match(readFileSync(join(dir, "kustomization.yaml"), "utf8"), /^# Generated: gitops-guard install --export --kustomize-dir DIR --components serve/);
  });
});
