import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { FIXTURES, loadDocuments } from "../support/load-yaml.ts";

const NOW = ["--now", "2026-12-07T12:00:00Z"];
const objects = (name: string): string => join(FIXTURES, "assess", "objects", name);

const CONTRACT_KEYS = ["object", "state", "stuckFor", "cause", "immutable", "objects", "fields", "rootCause", "message", "recommendation", "reason", "since"];

describe("gitops-guard diagnose", () => {
  it("-f: a stuck Kustomization as JSON, version 1, with the issue's contract fields; exit 1", async () => {
    const r = await runCli(["diagnose", "-f", objects("ks-immutable.yaml"), "--format", "json", ...NOW]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.equal(out.items.length, 1);
    const item = out.items[0];
    assert.deepEqual(Object.keys(item), CONTRACT_KEYS);
    assert.deepEqual(item.object, { apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization", namespace: "flux-system", name: "gatekeeper" });
    assert.equal(item.state, "stuck");
    assert.equal(item.stuckFor, "PT10M");
    assert.equal(item.cause, "immutable");
    assert.equal(item.immutable, true);
    assert.deepEqual(item.objects, [{ kind: "Deployment", namespace: "gatekeeper-system", name: "gatekeeper-controller-manager" }]);
    assert.deepEqual(item.fields, ["spec.selector"]);
    assert.equal(item.rootCause, null);
  });

  it("-f: the root cause of a dependsOn chain with the chain, in text", async () => {
    const r = await runCli(["diagnose", "-f", objects("ks-dependency-chain.yaml"), ...NOW]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Kustomization flux-system\/apps: stuck for 20m \(dependency\)$/m);
    assert.match(r.stdout, /root cause: Kustomization flux-system\/infra-controllers: stuck \(health-check\)/);
    assert.match(r.stdout, /kubectl describe deployment cert-manager-webhook -n cert-manager/);
  });

  it("-f -: reads kubectl get -o json List output from stdin; all ready → exit 0", async () => {
    const list = { apiVersion: "v1", kind: "List", items: [...loadDocuments("assess/objects/ks-ready.yaml"), ...loadDocuments("assess/objects/app-healthy.yaml")] };
    const r = await runCli(["diagnose", "-f", "-", "--format", "json", ...NOW], JSON.stringify(list));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).items.map((i: { state: string }) => i.state), ["ready", "ready"]);
  });

  it("-f: a folder of objects; other kinds are skipped with a note on stderr", async () => {
    const r = await runCli(["diagnose", "-f", join(FIXTURES, "assess", "objects"), "--format", "json", ...NOW]);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).items.length, 17); // 15 files, the chain holds 3
    const withDeployment = await runCli(["diagnose", "-f", "-", ...NOW], `${readFileSync(objects("ks-ready.yaml"), "utf8")}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n`);
    assert.equal(withDeployment.code, 0);
    assert.match(withDeployment.stderr, /skipped 1 Deployment/);
  });

  it("--stuck-after raises the threshold: the same object is progressing, exit 0", async () => {
    const r = await runCli(["diagnose", "-f", objects("ks-immutable.yaml"), "--stuck-after", "900", ...NOW]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /gatekeeper: progressing \(immutable\)/);
  });

  it("--message: cause, immutable, objects and fields from the text; exit 1", async () => {
    const message = 'Deployment/web/api dry-run failed (Invalid): Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{}: field is immutable';
    const r = await runCli(["diagnose", "--message", message, "--tool", "flux", "--format", "json"]);
    assert.equal(r.code, 1);
    const item = JSON.parse(r.stdout).items[0];
    assert.deepEqual(Object.keys(item), CONTRACT_KEYS);
    assert.equal(item.object, null);
    assert.equal(item.state, "failed");
    assert.deepEqual(item.objects, [{ kind: "Deployment", namespace: "web", name: "api" }]);
    assert.deepEqual(item.fields, ["spec.selector"]);
    assert.match(item.recommendation, /kustomize\.toolkit\.fluxcd\.io\/force: enabled/);
  });

  it("--message: a 409 conflict is not immutable and exits 0 (it passes on retry)", async () => {
    const r = await runCli(["diagnose", "--message", 'Operation cannot be fulfilled on deployments.apps "api": the object has been modified; please apply your changes to the latest version and try again', "--format", "json"]);
    assert.equal(r.code, 0);
    const item = JSON.parse(r.stdout).items[0];
    assert.equal(item.immutable, false);
    assert.equal(item.cause, "conflict");
  });

  it("--message -: reads the message from stdin; Argo CD advice with --tool argocd", async () => {
    const r = await runCli(["diagnose", "--message", "-", "--tool", "argocd"], 'one or more objects failed to apply, reason: RoleBinding.rbac.authorization.k8s.io "ops" is invalid: roleRef: Invalid value: rbac.RoleRef{}: cannot change roleRef');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Replace=true,Force=true/);
    assert.match(r.stdout, /fields: roleRef/);
  });

  it("exit 2 on bad input, naming what is wrong", async () => {
    const cases: [string[], string | undefined, RegExp][] = [
      [["diagnose"], undefined, /exactly one of -f\/--file and --message/],
      [["diagnose", "-f", "x.yaml", "--message", "y"], undefined, /exactly one/],
      [["diagnose", "--message", "   "], undefined, /--message is empty/],
      [["diagnose", "-f", "/nonexistent/file.yaml"], undefined, /cannot read/],
      [["diagnose", "-f", "-"], "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a}\nspec: {suspend: yes-please}\n", /spec\.suspend/],
      [["diagnose", "-f", "-"], "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n", /no Kustomization, HelmRelease or Application found/],
      [["diagnose", "-f", "-", "--now", "yesterday"], "", /--now/],
    ];
    for (const [argv, stdin, pattern] of cases) {
      const r = await runCli(argv, stdin);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, pattern, argv.join(" "));
    }
    const badTool = await runCli(["diagnose", "--message", "x", "--tool", "kapp"]);
    assert.equal(badTool.code, 2);
  });

  it("docs/diagnose.md shows real output: its JSON example parses and has the contract's keys", () => {
    const doc = readFileSync(join(FIXTURES, "..", "..", "docs", "diagnose.md"), "utf8");
    const json = /```json\n([\s\S]*?)```/.exec(doc);
    assert.ok(json, "a ```json block");
    const parsed = JSON.parse(json[1]!);
    assert.equal(parsed.version, 1);
    assert.deepEqual(Object.keys(parsed.items[0]), CONTRACT_KEYS);
  });
});
