import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { DEFAULT_BACKOFF, listWatch, type ListWatch, type WatchEventType } from "../../../src/adapters/kube/list-watch.ts";
import { createKubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { AppError } from "../../../src/errors.ts";
import { loadObject } from "../../support/load-yaml.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../../support/kube-apiserver/start-kube-api-server.ts";
import { waitFor } from "../../support/wait-for.ts";

const BACKOFF = { initialMs: 20, maxMs: 100 };
const CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

function nameOf(obj: JsonObject): string {
  return isJsonObject(obj["metadata"]) && typeof obj["metadata"]["name"] === "string" ? obj["metadata"]["name"] : "";
}

/** A listWatch whose callbacks are recorded. */
interface Recorded {
  readonly lists: string[][];
  readonly events: [WatchEventType, string, string][];
  readonly errors: [Error, number][];
  readonly loop: ListWatch;
}

function record(server: SimulatedApiServer, options: { query?: Record<string, string>; backoff?: { initialMs: number; maxMs: number } } = {}): Recorded {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const lists: string[][] = [];
  const events: [WatchEventType, string, string][] = [];
  const errors: [Error, number][] = [];
  const loop = listWatch({
    kc, http: createKubeHttp(kc), path: CONFIGMAPS, backoff: options.backoff ?? BACKOFF,
    ...(options.query ? { query: options.query } : {}),
    onList: (items) => lists.push(items.map(nameOf)),
    onEvent: (type, obj) => events.push([type, nameOf(obj), String((obj["data"] as JsonObject | undefined)?.["LOG_LEVEL"] ?? "")]),
    onError: (error, retryInMs) => errors.push([error, retryInMs]),
  });
  return { lists, events, errors, loop };
}

function configMap(name: string, level: string): JsonObject {
  const obj = loadObject("kube-apiserver/configmap.yaml");
  (obj["metadata"] as JsonObject)["name"] = name;
  (obj["data"] as JsonObject)["LOG_LEVEL"] = level;
  return obj;
}

function watchRequests(server: SimulatedApiServer): number {
  return server.requests.filter((r) => r.path === CONFIGMAPS && r.query["watch"] !== undefined).length;
}

function listRequests(server: SimulatedApiServer): number {
  return server.requests.filter((r) => r.path === CONFIGMAPS && r.query["watch"] === undefined).length;
}

describe("listWatch", () => {
  let server: SimulatedApiServer;
  before(async () => {
    server = await startKubeApiServer();
  });
  after(() => server.stop());

  it("backs off by default from 500 ms up to 30 s", () => {
    assert.deepEqual(DEFAULT_BACKOFF, { initialMs: 500, maxMs: 30_000 });
  });

  it("lists the current objects, then delivers ADDED, MODIFIED and DELETED in order", async () => {
    server.store.put(configMap("existing", "info"));
    const r = record(server);
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      assert.ok(r.lists[0]!.includes("existing"));
      await waitFor("the watch", () => watchRequests(server) > 0);
      server.store.put(configMap("added", "info"));
      server.store.put(configMap("added", "debug"));
      server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "added" });
      await waitFor("three events", () => r.events.length >= 3);
      assert.deepEqual(r.events, [["ADDED", "added", "info"], ["MODIFIED", "added", "debug"], ["DELETED", "added", "debug"]]);
      assert.deepEqual(r.errors, []);
      assert.equal(r.lists.length, 1, "no relist");
    } finally {
      r.loop.stop();
      server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "existing" });
    }
  });

  it("passes the query to list and watch (fieldSelector)", async () => {
    server.store.put(configMap("wanted", "info"));
    server.store.put(configMap("other", "info"));
    const r = record(server, { query: { fieldSelector: "metadata.name=wanted" } });
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      assert.deepEqual(r.lists[0], ["wanted"]);
      await waitFor("the watch", () => watchRequests(server) > 0);
      server.store.put(configMap("other", "debug"));
      server.store.put(configMap("wanted", "debug"));
      await waitFor("one event", () => r.events.length >= 1);
      assert.deepEqual(r.events, [["MODIFIED", "wanted", "debug"]]);
    } finally {
      r.loop.stop();
      for (const name of ["wanted", "other"]) server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name });
    }
  });

  it("resumes a watch that ended normally from the last resourceVersion, without relisting or missing a change", async () => {
    const listsBefore = listRequests(server);
    const watchesBefore = watchRequests(server);
    const r = record(server, { query: { timeoutSeconds: "1" } });
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      server.store.put(configMap("before-timeout", "info"));
      await waitFor("the watch to end and restart", () => watchRequests(server) - watchesBefore >= 2, { timeoutMs: 4000 });
      server.store.put(configMap("after-timeout", "info"));
      await waitFor("two events", () => r.events.length >= 2);
      assert.deepEqual(r.events.map((e) => e[1]), ["before-timeout", "after-timeout"]);
      assert.equal(listRequests(server) - listsBefore, 1, "one list only");
      assert.deepEqual(r.errors, []);
    } finally {
      r.loop.stop();
      for (const name of ["before-timeout", "after-timeout"]) server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name });
    }
  });

  it("relists when the watch's resourceVersion has been compacted away (410 Expired)", async () => {
    const r = record(server, { query: { timeoutSeconds: "1" } });
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      await waitFor("the watch", () => watchRequests(server) > 0);
      const watchesBefore = watchRequests(server);
      // A write the watch does not see moves the revision past the watch's resourceVersion; then
      // compaction forgets it, and the watch, restarting after its timeout, is answered 410 Expired.
      server.store.put({ apiVersion: "v1", kind: "Secret", metadata: { name: "unrelated", namespace: "kube-system" }, data: {} });
      server.store.compact();
      await waitFor("a relist", () => r.lists.length === 2, { timeoutMs: 4000 });
      assert.ok(watchRequests(server) > watchesBefore);
      assert.deepEqual(r.errors, [], "an expired watch is not an error");
      server.store.put(configMap("after-relist", "info"));
      await waitFor("the event after the relist", () => r.events.some((e) => e[1] === "after-relist"));
    } finally {
      r.loop.stop();
      server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "after-relist" });
      server.store.delete({ apiVersion: "v1", kind: "Secret", namespace: "kube-system", name: "unrelated" });
    }
  });

  it("relists after a forced watch restart over a compacted history (setAvailable false, then true)", async () => {
    const r = record(server);
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      await waitFor("the watch", () => watchRequests(server) > 0);
      server.store.compact();
      await server.setAvailable(false);
      server.store.put(configMap("while-down", "info"));
      await server.setAvailable(true);
      await waitFor("a relist", () => r.lists.length >= 2);
      assert.ok(r.lists.at(-1)!.includes("while-down"));
      server.store.put(configMap("after-restart", "info"));
      await waitFor("the event after the restart", () => r.events.some((e) => e[1] === "after-restart"));
    } finally {
      r.loop.stop();
      await server.setAvailable(true);
      for (const name of ["while-down", "after-restart"]) server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name });
    }
  });

  it("backs off exponentially while the server is away, up to the maximum, and starts over once it is back", async () => {
    const r = record(server);
    try {
      await waitFor("the first list", () => r.lists.length === 1);
      await waitFor("the watch", () => watchRequests(server) > 0);
      await server.setAvailable(false);
      await waitFor("five failed attempts", () => r.errors.length >= 5);
      const delays = r.errors.map(([, ms]) => ms);
      assert.deepEqual(delays.slice(0, 5), [20, 40, 80, 100, 100]);
      assert.ok(r.errors.every(([error]) => error instanceof Error));
      assert.ok(r.errors.slice(1).some(([error]) => error instanceof AppError && error.code === "ERR_KUBE_UNAVAILABLE"), "failed lists are ERR_KUBE_UNAVAILABLE");
      await server.setAvailable(true);
      await waitFor("a relist", () => r.lists.length === 2);
      server.store.put(configMap("reconnected", "info"));
      await waitFor("an event after reconnecting", () => r.events.some((e) => e[1] === "reconnected"));

      const seen = r.errors.length;
      await server.setAvailable(false);
      await waitFor("another failure", () => r.errors.length > seen);
      assert.equal(r.errors[seen]![1], 20, "the backoff starts over after a successful list");
    } finally {
      r.loop.stop();
      await server.setAvailable(true);
      server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "reconnected" });
    }
  });

  it("reports a list the server refuses (403/404…) as an error and retries", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const errors: Error[] = [];
    const loop = listWatch({
      kc, http: createKubeHttp(kc), path: "/apis/example.io/v1/namespaces/default/nothings", backoff: BACKOFF,
      onList: () => assert.fail("no list"), onEvent: () => assert.fail("no event"), onError: (error) => errors.push(error),
    });
    try {
      await waitFor("two failures", () => errors.length >= 2);
      assert.ok(errors[0] instanceof AppError);
      assert.match(errors[0]!.message, /list \/apis\/example\.io\/v1\/namespaces\/default\/nothings: 404/);
    } finally {
      loop.stop();
    }
  });

  it("stop() ends the loop while watching: no further callbacks", async () => {
    const r = record(server);
    try {
      await waitFor("the watch", () => watchRequests(server) > 0 && r.lists.length === 1);
      r.loop.stop();
      server.store.put(configMap("after-stop", "info"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(r.events, []);
    } finally {
      r.loop.stop();
      server.store.delete({ apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "after-stop" });
    }
  });

  it("stop() ends the loop while backing off: no further attempts", async () => {
    const r = record(server, { backoff: { initialMs: 50, maxMs: 50 } });
    try {
      await waitFor("the watch", () => r.lists.length === 1 && watchRequests(server) > 0);
      await server.setAvailable(false);
      await waitFor("a failure", () => r.errors.length >= 1);
      r.loop.stop();
      const errors = r.errors.length;
      await server.setAvailable(true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(r.errors.length, errors);
      assert.equal(r.lists.length, 1);
    } finally {
      r.loop.stop();
      await server.setAvailable(true);
    }
  });

  it("leaves no open handles after stop(): the process exits by itself", async () => {
    const support = (path: string): string => JSON.stringify(pathToFileURL(join(import.meta.dirname, "..", "..", "..", path)).href);
    const code = `
      import { KubeConfig } from "@kubernetes/client-node";
      import { listWatch } from ${support("src/adapters/kube/list-watch.ts")};
      import { createKubeHttp } from ${support("src/adapters/kube/kube-http.ts")};
      import { startKubeApiServer } from ${support("test/support/kube-apiserver/start-kube-api-server.ts")};
      const server = await startKubeApiServer({ bookmarkIntervalMs: 20 });
      const kc = new KubeConfig();
      kc.loadFromFile(server.kubeconfigPath);
      let listed = 0;
      const loop = listWatch({ kc, http: createKubeHttp(kc), path: "/api/v1/namespaces/default/configmaps", backoff: { initialMs: 20, maxMs: 40 },
        onList: () => { listed++; }, onEvent: () => {}, onError: () => {} });
      while (listed === 0 || !server.requests.some((r) => r.query.watch !== undefined)) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 100));
      loop.stop();
      await server.stop();
      process.stdout.write("stopped\\n");
    `;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", code], { timeout: 15_000, cwd: join(import.meta.dirname, "..", "..", "..") });
    assert.equal(stdout, "stopped\n");
    assert.ok(Date.now() - started < 15_000);
  });
});
