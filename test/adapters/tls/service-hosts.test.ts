import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../../../src/errors.ts";
import { serviceHosts } from "../../../src/adapters/tls/service-hosts.ts";

test("defaults: the in-cluster Service names first, then loopback", () => {
  assert.deepEqual(serviceHosts(), [
    "gitops-guard.gitops-guard.svc",
    "gitops-guard.gitops-guard.svc.cluster.local",
    "gitops-guard.gitops-guard",
    "gitops-guard",
    "localhost",
    "127.0.0.1",
    "::1",
  ]);
});

test("service, namespace and extra hosts; duplicates and spellings collapse", () => {
  assert.deepEqual(serviceHosts({ service: "guard", namespace: "infra", extraHosts: ["Guard.Example.COM", "0:0:0:0:0:0:0:1", "10.1.2.3", "*.example.com"] }), [
    "guard.infra.svc",
    "guard.infra.svc.cluster.local",
    "guard.infra",
    "guard",
    "localhost",
    "127.0.0.1",
    "::1",
    "guard.example.com",
    "10.1.2.3",
    "*.example.com",
  ]);
});

test("malformed names are usage errors", () => {
  const isUsage = (err: unknown): boolean => err instanceof AppError && err.code === "ERR_USAGE";
  assert.throws(() => serviceHosts({ service: "Guard_1" }), isUsage);
  assert.throws(() => serviceHosts({ namespace: "a".repeat(64) }), isUsage);
  assert.throws(() => serviceHosts({ extraHosts: ["exa mple.com"] }), isUsage);
  assert.throws(() => serviceHosts({ extraHosts: ["-bad.example.com"] }), isUsage);
});
