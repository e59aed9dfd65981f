import { KubeConfig } from "@kubernetes/client-node";
import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { createKubeHttp, type KubeHttp } from "../../../src/adapters/kube/kube-http.ts";
import type { ReplacementDeps } from "../../../src/adapters/replace/run-replacement.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";

/** The guard's namespace in the replacement tests (journals live there). */
export const GUARD_NS = "gitops-guard";

/** A simulated API server, a KubeHttp to it, and the engine's dependencies on a simulated clock. */
export interface ReplaceRig {
  readonly server: SimulatedApiServer;
  readonly http: KubeHttp;
  /** Simulated ms since the epoch. */
  now(): number;
  /** The engine's deps: sleep(ms) advances the clock by ms, then runs `onTick` (the simulated controllers). */
  deps(over?: Partial<ReplacementDeps>): ReplacementDeps;
  /** Called on every simulated sleep, after the clock moved: the controllers of the test act here. */
  onTick(tick: (now: number) => Promise<void> | void): void;
  stop(): Promise<void>;
}

/** Lets the simulated API server's background work (the garbage collector) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

export async function startReplaceRig(namespaces: readonly string[]): Promise<ReplaceRig> {
  let clock = Date.parse("2026-12-07T10:00:00Z");
  const server = await startKubeApiServer({ namespaces: ["default", "kube-system", GUARD_NS, ...namespaces], now: () => new Date(clock) });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfigYaml);
  const http = createKubeHttp(kc);
  const ticks: ((now: number) => Promise<void> | void)[] = [];
  return {
    server, http,
    now: () => clock,
    deps: (over = {}) => ({
      http, journalNamespace: GUARD_NS, identity: "test", pollMs: 2000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        await settle();
        for (const tick of ticks) await tick(clock);
        await settle();
      },
      ...over,
    }),
    onTick: (tick) => void ticks.push(tick),
    stop: () => server.stop(),
  };
}

/** A stored object's status replaced (what a controller writes). */
export function withStatus(obj: JsonObject, status: JsonObject): JsonObject {
  return { ...obj, status };
}
