import { KubeConfig } from "@kubernetes/client-node";
import { getAt } from "../../../src/core/k8s/field-path.ts";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { metaString } from "../../../src/core/k8s/kube-object.ts";
import { createKubeHttp, type KubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import type { ReplacementDeps } from "../../../src/adapters/replace/run-replacement.ts";
import { createFromFixture } from "../kube-controllers/create-from-fixture.ts";
import { startSimulatedCluster, type SimulatedCluster } from "../kube-controllers/start-simulated-cluster.ts";
import type { SimController } from "../kube-controllers/sim-controller.ts";
import { GUARD_NS } from "./replace-rig.ts";

/** A simulated cluster with its controllers, a KubeHttp to it, and the engine's deps on its clock. */
export interface SimRig {
  readonly cluster: SimulatedCluster;
  readonly http: KubeHttp;
  /** The engine's deps: its sleep advances the cluster (its waiting drives the controllers). */
  deps(over?: Partial<ReplacementDeps>): ReplacementDeps;
  stop(): Promise<void>;
}

/** Starts the cluster, creates the guard's namespace and the fixture's objects (edited), and runs until `ready`. */
export async function startSimRig(fixture: string, options: {
  readonly edit?: (o: JsonObject) => JsonObject | undefined;
  readonly ready: (c: SimulatedCluster) => boolean;
  readonly extra?: readonly JsonObject[];
  /** Controllers beside kube-controller-manager's (a simulated GitOps owner). */
  readonly owners?: readonly SimController[];
}): Promise<SimRig> {
  // The simulated clock starts now: the API server's serving certificate is dated by it, and
  // client-node checks it against the real clock.
  const cluster = await startSimulatedCluster({
    startMs: Math.floor(Date.now() / 1000) * 1000,
    ...(options.owners === undefined ? {} : { controllers: (defaults: readonly SimController[]) => [...defaults, ...options.owners!] }),
  });
  await cluster.api.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: GUARD_NS } });
  await createFromFixture(cluster.api, fixture, options.edit);
  for (const o of options.extra ?? []) await cluster.api.create(o);
  await cluster.runUntil(() => options.ready(cluster), { timeoutMs: 120_000, what: `${fixture} up` });
  const kc = new KubeConfig();
  kc.loadFromString(cluster.server.kubeconfigYaml);
  const http = createKubeHttp(kc);
  return {
    cluster, http,
    deps: (over = {}) => ({
      http, journalNamespace: GUARD_NS, identity: "test", pollMs: 2000,
      now: () => cluster.clock.nowMs(), sleep: (ms) => cluster.advance(ms),
      ...over,
    }),
    stop: () => cluster.stop(),
  };
}

/** Deep copy with a function applied (fixtures are edited per scenario). */
export function edited(obj: JsonObject, change: (copy: JsonObject) => void): JsonObject {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
}

export function spec(obj: JsonObject): JsonObject {
  const s = obj["spec"];
  return isJsonObject(s) ? s : {};
}

/** Pod and ReplicaSet owners: `Kind/name` of the controller reference, or "none". */
export function controllerOf(obj: JsonObject): string {
  const refs = getAt(obj, ["metadata", "ownerReferences"]);
  const ref = Array.isArray(refs) ? refs.find((r) => isJsonObject(r) && r["controller"] === true) : undefined;
  return isJsonObject(ref) ? `${String(ref["kind"])}/${String(ref["name"])}/${String(ref["uid"])}` : "none";
}

/** The labels of an object as a plain record. */
export function labels(obj: JsonObject): Record<string, string> {
  const l = getAt(obj, ["metadata", "labels"]);
  return isJsonObject(l) ? Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
}

export function uid(obj: JsonObject | undefined): string {
  return obj === undefined ? "" : metaString(obj, "uid") ?? "";
}
