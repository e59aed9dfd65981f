import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import { objectField, objectsField, stringField } from "./json-fields.ts";

/** How a simulated pod's containers behave. */
export type PodBehaviour =
  /** Start, become ready after the readiness delay, run (until done, for restartPolicy Never/OnFailure). */
  | "healthy"
  /** Start and run, but the readiness probe never passes. */
  | "never-ready"
  /** The container exits with code 1 right after starting and is restarted with back-off (CrashLoopBackOff). */
  | "crash-loop"
  /** The image cannot be pulled: Pending, ImagePullBackOff. */
  | "image-pull-error"
  /** The container exits with code 1 after the run duration: restartPolicy Never → phase Failed; otherwise a crash loop. */
  | "fail";

/** Simulated durations of one pod's life, in milliseconds. */
export interface PodTimings {
  /** Scheduled → containers running (image pull, start). */
  readonly startDelayMs: number;
  /** Running → Ready (the readiness probe's first success). */
  readonly readinessDelayMs: number;
  /** Running → exited, for pods whose restartPolicy is Never or OnFailure (Job pods). */
  readonly runDurationMs: number;
}

/** What the kubelet knows about one pod, in simulated epoch milliseconds. */
export interface PodHistory {
  /** When the kubelet first saw the pod bound to its node. */
  readonly seenMs: number;
  readonly behaviour: PodBehaviour;
  readonly timings: PodTimings;
  readonly podIP: string;
  readonly hostIP: string;
}

// kubelet's container restart back-off: 10 s doubling to 5 minutes (pkg/kubelet/kubelet.go backOffPeriod, MaxContainerBackOff).
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

/** Restarts done by `elapsedMs` after the first crash, with back-off between them. */
export function restartsAfter(elapsedMs: number): number {
  let restarts = 0;
  let at = 0;
  let wait = BACKOFF_INITIAL_MS;
  while (at + wait <= elapsedMs) {
    at += wait;
    restarts += 1;
    wait = Math.min(wait * 2, BACKOFF_MAX_MS);
  }
  return restarts;
}

type Phase = "Pending" | "Running" | "Succeeded" | "Failed";

interface ContainerView {
  readonly phase: Phase;
  readonly ready: boolean;
  /** When Ready last changed (or the pod started) in ms. */
  readonly readySinceMs: number;
  readonly state: JsonObject;
  readonly restartCount: number;
  readonly lastState?: JsonObject;
}

function view(history: PodHistory, restartPolicy: string, nowMs: number): ContainerView {
  const { seenMs, behaviour, timings } = history;
  const runningMs = seenMs + timings.startDelayMs;
  const t = kubeTimestamp;
  if (behaviour === "image-pull-error") {
    return { phase: "Pending", ready: false, readySinceMs: seenMs, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } };
  }
  if (nowMs < runningMs) return { phase: "Pending", ready: false, readySinceMs: seenMs, restartCount: 0, state: { waiting: { reason: "ContainerCreating" } } };
  const running: JsonObject = { running: { startedAt: t(new Date(runningMs)) } };
  const exitsMs = runningMs + timings.runDurationMs;
  const crashes = behaviour === "crash-loop" || (behaviour === "fail" && restartPolicy !== "Never");
  if (crashes) {
    const lastState = { terminated: { exitCode: 1, reason: "Error", startedAt: t(new Date(runningMs)), finishedAt: t(new Date(runningMs)) } };
    return { phase: "Running", ready: false, readySinceMs: seenMs, restartCount: restartsAfter(nowMs - runningMs), lastState,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off restarting failed container" } } };
  }
  if (restartPolicy !== "Always" && nowMs >= exitsMs) {
    const failed = behaviour === "fail";
    const state = { terminated: { exitCode: failed ? 1 : 0, reason: failed ? "Error" : "Completed", startedAt: t(new Date(runningMs)), finishedAt: t(new Date(exitsMs)) } };
    return { phase: failed ? "Failed" : "Succeeded", ready: false, readySinceMs: exitsMs, restartCount: 0, state };
  }
  const readyMs = runningMs + timings.readinessDelayMs;
  const ready = behaviour === "healthy" && nowMs >= readyMs;
  return { phase: "Running", ready, readySinceMs: ready ? readyMs : runningMs, restartCount: 0, state: running };
}

function condition(type: string, ready: boolean, sinceMs: number, notReady: { reason: string; message: string }): JsonObject {
  return { type, status: ready ? "True" : "False", lastProbeTime: null, lastTransitionTime: kubeTimestamp(new Date(sinceMs)), ...(ready ? {} : notReady) };
}

/**
 * The status a kubelet reports for `pod` at `nowMs`, a pure function of its history: phase,
 * startTime, hostIP/podIP(s), the Initialized, ContainersReady, Ready and PodScheduled conditions
 * (transition times are the simulated moments things happened) and one containerStatus per
 * container (waiting ContainerCreating / running / CrashLoopBackOff with restartCount /
 * terminated Completed or Error). A pod being deleted is reported not ready: its containers got
 * SIGTERM (at `terminatingSinceMs`) and the endpoints controller stops sending it traffic.
 */
export function podStatusAt(pod: JsonObject, history: PodHistory, nowMs: number, terminatingSinceMs: number | undefined): JsonObject {
  const terminating = terminatingSinceMs !== undefined;
  const spec = objectField(pod, "spec");
  const restartPolicy = stringField(spec, "restartPolicy") || "Always";
  const v = view(history, restartPolicy, nowMs);
  const ready = v.ready && !terminating;
  const containers = objectsField(spec, "containers");
  const names = containers.map((c) => stringField(c, "name"));
  const done = v.phase === "Succeeded" || v.phase === "Failed";
  const notReady = done ? { reason: "PodCompleted", message: "" } : { reason: "ContainersNotReady", message: `containers with unready status: [${names.join(" ")}]` };
  const scheduled = objectsField(objectField(pod, "status"), "conditions").find((c) => c["type"] === "PodScheduled");
  const since = terminatingSinceMs !== undefined && v.ready ? terminatingSinceMs : v.readySinceMs;
  return {
    phase: v.phase,
    conditions: [
      { type: "PodReadyToStartContainers", status: v.phase === "Pending" ? "False" : "True", lastProbeTime: null, lastTransitionTime: kubeTimestamp(new Date(history.seenMs + (v.phase === "Pending" ? 0 : history.timings.startDelayMs))) },
      { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: kubeTimestamp(new Date(history.seenMs)) },
      condition("Ready", ready, since, notReady),
      condition("ContainersReady", ready, since, notReady),
      scheduled ?? { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: kubeTimestamp(new Date(history.seenMs)) },
    ],
    hostIP: history.hostIP, hostIPs: [{ ip: history.hostIP }],
    ...(v.phase === "Pending" ? {} : { podIP: history.podIP, podIPs: [{ ip: history.podIP }] }),
    startTime: kubeTimestamp(new Date(history.seenMs)),
    containerStatuses: containers.map((c) => ({
      name: stringField(c, "name"), image: stringField(c, "image"), imageID: "", ready,
      restartCount: v.restartCount, started: "running" in v.state, state: v.state,
      ...(v.lastState ? { lastState: v.lastState } : {}),
      ...(v.phase === "Pending" ? {} : { containerID: `containerd://${stringField(c, "name")}-${history.seenMs.toString(16)}` }),
    })),
    qosClass: "BestEffort",
  };
}
