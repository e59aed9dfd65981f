import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { installBuiltinStrategies } from "../e2e/install-builtin-strategies.ts";
import { startKubeApiServer, type KubeApiServerOptions, type SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { createClusterApi, type ClusterApi } from "./cluster-api.ts";
import { createDeploymentController } from "./deployment-controller.ts";
import { createEventEmitter } from "./emit-event.ts";
import { createEndpointSliceController } from "./endpoint-slice-controller.ts";
import { CONTROLLER_RESOURCES } from "./kinds.ts";
import { createKubelet, type Kubelet, type KubeletOptions } from "./kubelet.ts";
import { podUpdateValidator } from "./pod-update-validator.ts";
import { recordReadyPods, type ReadyPodsRecorder } from "./ready-pods-recorder.ts";
import { createReplicaSetController } from "./replica-set-controller.ts";
import { createScheduler, readyNode } from "./scheduler.ts";
import { createStatefulSetController } from "./stateful-set-controller.ts";
import { createVolumeBinder } from "./volume-binder.ts";
import { createDaemonSetController } from "./daemon-set-controller.ts";
import { createJobController } from "./job-controller.ts";
import { createSimClock, DEFAULT_SIM_START_MS, type SimClock } from "./sim-clock.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

// One simulated second per tick: kubelet, readiness and rollout timings are whole seconds in
// practice (probe periods, minReadySeconds, progressDeadlineSeconds).
export const DEFAULT_TICK_MS = 1_000;
// Three worker nodes: enough for spreading and one-pod-per-node DaemonSets, small enough to read.
export const DEFAULT_NODE_COUNT = 3;
// A round is every controller once; a healthy cluster settles in a handful. Hitting this means
// two controllers fight (or the code under test writes without pause): an error, not a hang.
export const MAX_ROUNDS_PER_STEP = 200;

/** Options of startSimulatedCluster; every one has a default. */
export interface SimulatedClusterOptions {
  /** Simulated milliseconds per tick. Default DEFAULT_TICK_MS. */
  readonly tickMs?: number;
  /** Node names, or how many (`node-1`…). Default DEFAULT_NODE_COUNT. */
  readonly nodes?: number | readonly string[];
  /** Kubelet timings (kubelet.ts). */
  readonly kubelet?: KubeletOptions;
  /** Simulated start time, epoch ms. Default 2026-01-01T00:00:00Z. */
  readonly startMs?: number;
  /** API server options (its clock is the simulated one). */
  readonly server?: Omit<KubeApiServerOptions, "now">;
  /**
   * The controllers one round runs, given the defaults (scheduler, kubelet, volume binder,
   * ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, EndpointSlice): add a simulated owner (a GitOps
   * tool) to the loop, or leave one out. Default: the defaults.
   */
  readonly controllers?: (defaults: readonly SimController[]) => readonly SimController[];
}

/** An API error a controller met and worked around or will retry. */
export interface ControllerError {
  readonly tick: number;
  readonly controller: string;
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

/** A simulated API server with its workload controllers, driven by simulated time. */
export interface SimulatedCluster {
  readonly server: SimulatedApiServer;
  readonly clock: SimClock;
  /** The controllers' in-process view of the cluster (reads from storage, writes through the API). */
  readonly api: ClusterApi;
  readonly kubelet: Kubelet;
  /** Ticks done so far. */
  readonly tick: number;
  /** API errors the controllers met (admission denials, validation), oldest first; bounded to the last 1000. */
  readonly errors: readonly ControllerError[];
  /** Runs every controller until a whole round writes nothing and the garbage collector is idle; time stands still. */
  step(): Promise<void>;
  /** Moves time forward by `ms` in ticks of tickMs (the last one shorter), stepping after each. */
  advance(ms: number): Promise<void>;
  /** Advances tick by tick until `predicate` holds (checked after each step); returns the simulated ms it took. Throws after timeoutMs. */
  runUntil(predicate: () => boolean, options: { readonly timeoutMs: number; readonly what: string }): Promise<number>;
  /**
   * An API server outage for everyone: `server.setAvailable(available)` (clients get connection
   * errors) and the controllers pause too (kube-controller-manager and the kubelets lose the API
   * server as well; pods keep running as they were). Time still advances.
   */
  setApiAvailable(available: boolean): Promise<void>;
  /** Starts counting the ready pods of a Service after every write and tick (see ReadyPodsRecorder). */
  recordReadyPods(namespace: string, service: string): ReadyPodsRecorder;
  /** Calls `listener` after each tick's fixed point; returns the remover. */
  onTick(listener: (tick: number) => void): () => void;
  /** Stops the API server. */
  stop(): Promise<void>;
}

const MAX_ERRORS = 1000;

/** The controllers, in the order one round runs them: placement and pods first, then owners, then endpoints. */
function defaultControllers(kubelet: Kubelet): SimController[] {
  return [createScheduler(), kubelet, createVolumeBinder(), createReplicaSetController(), createDeploymentController(),
    createStatefulSetController(), createDaemonSetController(), createJobController(), createEndpointSliceController()];
}

/**
 * Starts a simulated API server whose clock is a SimClock, registers Nodes, EndpointSlices,
 * ControllerRevisions and PodDisruptionBudgets, creates Ready nodes, and returns the driver.
 * No real timers: nothing happens until step() or advance(); the code under test can be given
 * `(ms) => cluster.advance(ms)` as its sleep, so its waiting drives the cluster deterministically.
 */
export async function startSimulatedCluster(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
  const clock = createSimClock(options.startMs ?? DEFAULT_SIM_START_MS);
  const server = await startKubeApiServer({ ...options.server, now: clock.now });
  for (const spec of CONTROLLER_RESOURCES) server.registerResource(spec);
  // kube-apiserver's own strategies the controllers depend on: the Job's generated selector,
  // Deployment/Job/PVC immutable-field validation (../e2e/install-builtin-strategies.ts) and pod
  // update validation (a running pod's spec cannot gain a volume).
  installBuiltinStrategies(server);
  server.setValidator("pods", podUpdateValidator);
  const ctx = server.context;
  const api = createClusterApi(ctx);
  const nodeNames = typeof options.nodes === "number" || options.nodes === undefined
    ? Array.from({ length: options.nodes ?? DEFAULT_NODE_COUNT }, (_, i) => `node-${i + 1}`) : [...options.nodes];
  for (const name of nodeNames) server.store.put(readyNode(name, clock.now()));
  const kubelet = createKubelet(options.kubelet);
  const controllers = options.controllers ? options.controllers(defaultControllers(kubelet)) : defaultControllers(kubelet);
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  const errors: ControllerError[] = [];
  const tickListeners = new Set<(tick: number) => void>();
  let tick = 0;
  let apiAvailable = true;
  let queue: Promise<void> = Promise.resolve();

  const contextFor = (controller: SimController): ControllerContext => {
    const emit = createEventEmitter(api, controller.name);
    return {
    api,
    report(error) {
      errors.push({ tick, controller: controller.name, code: error.code, reason: error.reason, message: error.message });
      if (errors.length > MAX_ERRORS) errors.shift();
    },
    event: (object: JsonObject, type, reason, message) => emit(object, { type, reason, message })
      .catch((error: unknown) => { if (!(error instanceof StatusError)) throw error; }),
    };
  };
  const contexts = new Map(controllers.map((c) => [c, contextFor(c)]));

  const settle = async (): Promise<void> => {
    if (!apiAvailable) return;
    for (let round = 0; round < MAX_ROUNDS_PER_STEP; round++) {
      const before = ctx.store.currentResourceVersion();
      for (const controller of controllers) await controller.sync(contexts.get(controller)!);
      await ctx.background.idle();
      if (ctx.store.currentResourceVersion() === before) return;
    }
    throw new Error(`simulated cluster: no fixed point after ${MAX_ROUNDS_PER_STEP} rounds at tick ${tick} (controllers keep writing)`);
  };
  // One step at a time, even when a test and the code under test (through its sleep) both drive.
  const serialized = (work: () => Promise<void>): Promise<void> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const oneTick = async (ms: number): Promise<void> => {
    clock.advance(ms);
    tick += 1;
    await settle();
    for (const listener of [...tickListeners]) listener(tick);
  };

  const cluster: SimulatedCluster = {
    server, clock, api, kubelet,
    get tick() { return tick; },
    errors,
    step: () => serialized(settle),
    advance: (ms) => serialized(async () => {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance: ${ms} is not a finite duration ≥ 0 ms`);
      for (let left = ms; left > 0; left -= tickMs) await oneTick(Math.min(tickMs, left));
    }),
    async runUntil(predicate, { timeoutMs, what }) {
      const start = clock.nowMs();
      await cluster.step();
      while (!predicate()) {
        if (clock.nowMs() - start >= timeoutMs) throw new Error(`simulated cluster: ${what} did not happen within ${timeoutMs} simulated ms`);
        await cluster.advance(tickMs);
      }
      return clock.nowMs() - start;
    },
    async setApiAvailable(available) {
      apiAvailable = available;
      await server.setAvailable(available);
    },
    recordReadyPods: (namespace, service) => recordReadyPods({
      api,
      onWrite: (listener) => ctx.store.subscribe(() => listener()),
      onTick: (listener) => cluster.onTick(listener),
      currentTick: () => tick,
      resourceVersion: () => String(ctx.store.currentResourceVersion()),
    }, namespace, service),
    onTick(listener) {
      tickListeners.add(listener);
      return () => tickListeners.delete(listener);
    },
    stop: () => server.stop(),
  };
  return cluster;
}
