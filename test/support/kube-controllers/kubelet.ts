import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { labelsOf } from "../../../src/core/impact/cascade/label-selector.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { isDeleting, meta, numberField, objectField, objectsField, stringField } from "./json-fields.ts";
import { NODE, POD } from "./kinds.ts";
import { podStatusAt, type PodBehaviour, type PodHistory, type PodTimings } from "./pod-lifecycle.ts";
import type { SimController } from "./sim-controller.ts";

// Defaults in simulated milliseconds: an image already on the node starts in about a second; a
// typical readiness probe (initialDelaySeconds 5, periodSeconds 10) passes within seconds;
// a Job's work is given 10 s; an application exits within 2 s of SIGTERM (well under the 30 s
// terminationGracePeriodSeconds default).
export const DEFAULT_START_DELAY_MS = 1_000;
export const DEFAULT_READINESS_DELAY_MS = 5_000;
export const DEFAULT_RUN_DURATION_MS = 10_000;
export const DEFAULT_SHUTDOWN_DELAY_MS = 2_000;

/** Which pods a rule applies to; every given field must match. */
export interface PodMatch {
  readonly namespace?: string;
  /** Exact name, or a pattern (generated names: /^web-7d9f/). */
  readonly name?: string | RegExp;
  /** A container image of the pod (exact). */
  readonly image?: string;
  /** Labels the pod must carry. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A behaviour or timing for the pods that match (later rules win). */
export interface PodRule extends Partial<PodTimings> {
  readonly match: PodMatch;
  readonly behaviour?: PodBehaviour;
}

/** Simulated kubelet timings (defaults above). */
export interface KubeletOptions extends Partial<PodTimings> {
  /** SIGTERM → containers exited; the pod goes at min(this, its grace period). */
  readonly shutdownDelayMs?: number;
}

/** The simulated kubelets of every node, with failure injection. */
export interface Kubelet extends SimController {
  /** Adds a rule for pods the kubelet has not started yet (a running pod keeps its history); returns its remover. */
  inject(rule: PodRule): () => void;
}

function matches(match: PodMatch, pod: JsonObject): boolean {
  const name = meta(pod, "name");
  const images = objectsField(objectField(pod, "spec"), "containers").map((c) => stringField(c, "image"));
  const labels = labelsOf(objectField(pod, "metadata")["labels"]);
  return (match.namespace === undefined || match.namespace === meta(pod, "namespace"))
    && (match.name === undefined || (typeof match.name === "string" ? match.name === name : match.name.test(name)))
    && (match.image === undefined || images.includes(match.image))
    && Object.entries(match.labels ?? {}).every(([k, v]) => labels.get(k) === v);
}

/**
 * The kubelets of the simulated nodes: each pod bound to an existing node goes Pending
 * (ContainerCreating) → Running → Ready over simulated time (podStatusAt), or behaves as an
 * injected rule says (never ready, crash loop, image pull error, failure); Job-style pods
 * (restartPolicy Never/OnFailure) end Succeeded or Failed. A pod being deleted is reported not
 * ready at once and deleted for good (gracePeriodSeconds=0, as the kubelet does) when its
 * containers have stopped: shutdownDelayMs after the deletion, or at its deletionTimestamp.
 */
export function createKubelet(options: KubeletOptions = {}): Kubelet {
  const rules: PodRule[] = [];
  const histories = new Map<string, PodHistory>();
  const terminating = new Map<string, number>();
  const defaults: PodTimings = {
    startDelayMs: options.startDelayMs ?? DEFAULT_START_DELAY_MS,
    readinessDelayMs: options.readinessDelayMs ?? DEFAULT_READINESS_DELAY_MS,
    runDurationMs: options.runDurationMs ?? DEFAULT_RUN_DURATION_MS,
  };
  const shutdownMs = options.shutdownDelayMs ?? DEFAULT_SHUTDOWN_DELAY_MS;
  let nextIp = 0;

  const historyOf = (pod: JsonObject, nodes: readonly string[], nowMs: number): PodHistory => {
    const uid = meta(pod, "uid");
    const known = histories.get(uid);
    if (known) return known;
    const applied = rules.filter((r) => matches(r.match, pod));
    const pick = <K extends keyof PodTimings>(key: K): number => applied.reduce((v, r) => r[key] ?? v, defaults[key]);
    const nodeIndex = Math.max(0, nodes.indexOf(stringField(objectField(pod, "spec"), "nodeName")));
    nextIp += 1;
    const history: PodHistory = {
      seenMs: nowMs, behaviour: applied.reduce<PodBehaviour>((b, r) => r.behaviour ?? b, "healthy"),
      timings: { startDelayMs: pick("startDelayMs"), readinessDelayMs: pick("readinessDelayMs"), runDurationMs: pick("runDurationMs") },
      podIP: `10.244.${nodeIndex}.${(nextIp % 250) + 2}`, hostIP: `192.168.0.${nodeIndex + 10}`,
    };
    histories.set(uid, history);
    return history;
  };

  return {
    name: "kubelet",
    inject(rule) {
      rules.push(rule);
      return () => {
        const at = rules.indexOf(rule);
        if (at >= 0) rules.splice(at, 1);
      };
    },
    async sync(ctx) {
      const nowMs = ctx.api.now().getTime();
      const nodes = ctx.api.list(NODE).map((n) => meta(n, "name"));
      for (const pod of ctx.api.list(POD)) {
        const node = stringField(objectField(pod, "spec"), "nodeName");
        if (node === "" || !nodes.includes(node)) continue;
        const uid = meta(pod, "uid");
        if (isDeleting(pod) && !terminating.has(uid)) terminating.set(uid, nowMs);
        const since = terminating.get(uid);
        if (since !== undefined) {
          const grace = numberField(objectField(pod, "metadata"), "deletionGracePeriodSeconds", 0) * 1000;
          if (nowMs >= since + Math.min(shutdownMs, grace)) {
            await tolerateRace(ctx.api.delete(refOf(POD, pod), { gracePeriodSeconds: 0, uid }), (e) => ctx.report(e));
            continue;
          }
        }
        const status = podStatusAt(pod, historyOf(pod, nodes, nowMs), nowMs, since);
        await tolerateRace(ctx.api.update(refOf(POD, pod), (current) => ({ ...current, status }), "status"), (e) => ctx.report(e));
      }
      // Forget pods that are gone, so the kubelet's memory stays bounded by the live pods.
      const live = new Set(ctx.api.list(POD).map((p) => meta(p, "uid")));
      for (const uid of [...histories.keys(), ...terminating.keys()]) {
        if (!live.has(uid)) {
          histories.delete(uid);
          terminating.delete(uid);
        }
      }
    },
  };
}
