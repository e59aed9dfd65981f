import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../../../src/errors.ts";
import type { KubeHttp, KubeResponse } from "../../../src/adapters/kube/kube-http.ts";
import { LIST_PAGE_SIZE, listCollection, MAX_LIVE_OBJECTS, MAX_PAGES } from "../../../src/adapters/kube/list-live-objects.ts";
import type { ServedResource } from "../../../src/adapters/kube/api-discovery.ts";

const CONFIGMAPS: ServedResource = { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true };

/** An API server that answers every LIST with `page(n)` (n = 0, 1, …) and records the paths. */
function server(page: (n: number) => KubeResponse): KubeHttp & { readonly paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async request(_method, path) {
      paths.push(path);
      return page(paths.length - 1);
    },
  };
}

describe("listCollection", () => {
  it("pages with limit and continue, and sets apiVersion and kind on the items (LIST answers omit them)", async () => {
    const http = server((n) => ({ status: 200, body: { metadata: n < 2 ? { continue: `token-${n}` } : {}, items: [{ metadata: { name: `cm-${n}`, namespace: "a" } }] } }));
    const listed = await listCollection(http, { resource: CONFIGMAPS, namespace: "a" }, { remaining: 10 });
    assert.equal(listed.requests, 3);
    assert.deepEqual(http.paths, [
      `/api/v1/namespaces/a/configmaps?limit=${LIST_PAGE_SIZE}`,
      `/api/v1/namespaces/a/configmaps?limit=${LIST_PAGE_SIZE}&continue=token-0`,
      `/api/v1/namespaces/a/configmaps?limit=${LIST_PAGE_SIZE}&continue=token-1`,
    ]);
    assert.deepEqual(listed.objects.map((o) => [o["apiVersion"], o["kind"]]), [["v1", "ConfigMap"], ["v1", "ConfigMap"], ["v1", "ConfigMap"]]);
  });

  it("stops a server whose continue tokens never end after MAX_PAGES pages", async () => {
    const http = server((n) => ({ status: 200, body: { metadata: { continue: `t${n}` }, items: [] } }));
    await assert.rejects(listCollection(http, { resource: CONFIGMAPS, namespace: "a" }, { remaining: MAX_LIVE_OBJECTS }), (e: unknown) => e instanceof AppError && e.code === "ERR_KUBE_UNAVAILABLE" && /continue tokens do not end/.test(e.message));
    assert.equal(http.paths.length, MAX_PAGES);
    assert.equal(MAX_PAGES, 201, "enough for MAX_LIVE_OBJECTS at full pages of 500");
  });

  it("refuses to read past the budget of live objects, naming the collection", async () => {
    const http = server(() => ({ status: 200, body: { metadata: { continue: "more" }, items: Array.from({ length: 10 }, (_, i) => ({ metadata: { name: `x${i}` } })) } }));
    await assert.rejects(listCollection(http, { resource: CONFIGMAPS, namespace: "a" }, { remaining: 25 }), /LIST \/api\/v1\/namespaces\/a\/configmaps: more than 100000 live objects/);
  });

  it("names the failure: 403 is RBAC (ERR_KUBE_FORBIDDEN, exit 3), a non-list answer is refused", async () => {
    const forbidden = server(() => ({ status: 403, body: { kind: "Status", message: 'configmaps is forbidden: User "ci" cannot list resource "configmaps" in API group "" in the namespace "a"' } }));
    await assert.rejects(listCollection(forbidden, { resource: CONFIGMAPS, namespace: "a" }, { remaining: 10 }), (e: unknown) => e instanceof AppError && e.code === "ERR_KUBE_FORBIDDEN" && e.exitCode === 3 && /cannot list resource "configmaps"/.test(e.message));
    const garbage = server(() => ({ status: 200, body: "<html>proxy error</html>" }));
    await assert.rejects(listCollection(garbage, { resource: CONFIGMAPS, namespace: "a" }, { remaining: 10 }), /the answer is not a list/);
  });
});
