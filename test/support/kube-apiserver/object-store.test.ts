import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isJsonObject } from "../../../src/core/k8s/json.ts";
import { createObjectStore } from "./object-store.ts";

const cm = (name: string, value: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns" }, data: { value } });

describe("createObjectStore", () => {
  it("bumps one global revision per write and stamps it as metadata.resourceVersion", () => {
    const store = createObjectStore();
    const first = store.write("configmaps", "ns", "a", cm("a", "1"))!;
    const second = store.write("secrets", "ns", "s", { metadata: { name: "s" } })!;
    assert.equal(first.resourceVersion + 1, second.resourceVersion);
    assert.deepEqual(store.get("configmaps", "ns", "a")!["metadata"], { name: "a", namespace: "ns", resourceVersion: String(first.resourceVersion) });
    assert.equal(store.write("configmaps", "ns", "absent", undefined), undefined, "deleting nothing changes nothing");
  });

  it("reconstructs a past list from its history and reports DELETED with the deletion's revision", () => {
    const store = createObjectStore();
    store.write("configmaps", "ns", "a", cm("a", "1"));
    const before = store.currentResourceVersion();
    store.write("configmaps", "ns", "a", cm("a", "2"));
    store.write("configmaps", "ns", "b", cm("b", "1"));
    const deleted = store.write("configmaps", "ns", "a", undefined)!;
    assert.equal(deleted.type, "DELETED");
    assert.deepEqual(deleted.object["data"], { value: "2" });
    const meta = deleted.object["metadata"];
    assert.ok(isJsonObject(meta));
    assert.equal(meta["resourceVersion"], String(deleted.resourceVersion));
    const past = store.listAt("configmaps", "ns", before)!;
    assert.deepEqual(past.map((o) => o["data"]), [{ value: "1" }]);
    assert.deepEqual(store.changesSince(before)!.map((c) => `${c.type} ${c.name}`), ["MODIFIED a", "ADDED b", "DELETED a"]);
  });

  it("forgets changes beyond historyLimit: older revisions are no longer reachable", () => {
    const store = createObjectStore(2);
    const start = store.currentResourceVersion();
    for (const value of ["1", "2", "3"]) store.write("configmaps", "ns", "a", cm("a", value));
    assert.equal(store.changesSince(start), undefined);
    assert.equal(store.listAt("configmaps", "ns", start), undefined);
    assert.equal(store.changesSince(store.oldestResourceVersion())!.length, 2);
  });
});
