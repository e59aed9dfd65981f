import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { kubeTimestamp } from "../kube-apiserver/object-metadata.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { isDeleting, meta, numberField, objectField, objectsField, stringField } from "./json-fields.ts";
import { JOB, POD } from "./kinds.ts";
import { isPodReady, podPhase } from "./pod-conditions.ts";
import { podFromTemplate } from "./pod-from-template.ts";
import { setCondition } from "./set-condition.ts";
import type { ControllerContext, SimController } from "./sim-controller.ts";

const COMPONENT = "job-controller";
// batch/v1 defaults: backoffLimit 6, completions and parallelism 1. Pod re-creation after a
// failure waits 10 s, doubling, at most 6 minutes (job_controller.go DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff).
const DEFAULT_BACKOFF_LIMIT = 6;
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;

/** What the controller remembers per Job (the real one keeps it in status with pod finalizers). */
interface Tally {
  readonly succeeded: Set<string>;
  readonly failed: Set<string>;
  lastFailureMs: number;
}

function finishedAtMs(pod: JsonObject): number {
  const terminated = objectField(objectField(objectsField(objectField(pod, "status"), "containerStatuses")[0], "state"), "terminated");
  return Date.parse(stringField(terminated, "finishedAt")) || 0;
}

function hasCondition(job: JsonObject, type: string): boolean {
  return objectsField(objectField(job, "status"), "conditions").some((c) => c["type"] === type && c["status"] === "True");
}

/** The finished state, if the Job just reached one: Complete, BackoffLimitExceeded or DeadlineExceeded. */
function finish(job: JsonObject, tally: Tally, nowMs: number): { type: "Complete" | "Failed"; reason: string; message: string } | undefined {
  const spec = objectField(job, "spec");
  if (tally.succeeded.size >= numberField(spec, "completions", 1)) return { type: "Complete", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
  if (tally.failed.size > numberField(spec, "backoffLimit", DEFAULT_BACKOFF_LIMIT)) return { type: "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
  const deadline = spec["activeDeadlineSeconds"];
  const started = Date.parse(stringField(objectField(job, "status"), "startTime"));
  if (typeof deadline === "number" && Number.isFinite(started) && nowMs - started >= deadline * 1000) return { type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
  return undefined;
}

async function syncJob(ctx: ControllerContext, job: JsonObject, tally: Tally): Promise<void> {
  const selector = parseLabelSelector(objectField(job, "spec")["selector"]);
  if (selector.type === "none" || hasCondition(job, "Complete") || hasCondition(job, "Failed")) return;
  const pods = await claimObjects(ctx, POD, job, planClaims(job, selector, ctx.api.list(POD, meta(job, "namespace"))));
  const now = ctx.api.now();
  for (const pod of pods) {
    if (podPhase(pod) === "Succeeded") tally.succeeded.add(meta(pod, "uid"));
    if (podPhase(pod) === "Failed" && !tally.failed.has(meta(pod, "uid"))) {
      tally.failed.add(meta(pod, "uid"));
      tally.lastFailureMs = Math.max(tally.lastFailureMs, finishedAtMs(pod));
    }
  }
  const spec = objectField(job, "spec");
  let active = pods.filter((p) => podPhase(p) !== "Succeeded" && podPhase(p) !== "Failed" && !isDeleting(p));
  const status: JsonObject = { ...objectField(job, "status") };
  status["startTime"] ??= kubeTimestamp(now);
  const done = isDeleting(job) ? undefined : finish({ ...job, status }, tally, now.getTime());
  const suspended = spec["suspend"] === true;
  if (done || suspended) {
    for (const pod of active) await tolerateRace(ctx.api.delete(refOf(POD, pod), { uid: meta(pod, "uid") }), (e) => ctx.report(e));
    active = [];
  } else if (!isDeleting(job)) {
    const want = Math.min(numberField(spec, "parallelism", 1), numberField(spec, "completions", 1) - tally.succeeded.size);
    const backoff = tally.failed.size === 0 ? 0 : Math.min(BACKOFF_INITIAL_MS * 2 ** (tally.failed.size - 1), BACKOFF_MAX_MS);
    if (active.length < want && now.getTime() >= tally.lastFailureMs + backoff) {
      for (let i = active.length; i < want; i++) {
        const created = await tolerateRace(ctx.api.create(podFromTemplate(objectField(spec, "template"), job, { generateName: `${meta(job, "name")}-` })), (e) => ctx.report(e));
        if (created) await ctx.event(job, "Normal", "SuccessfulCreate", `Created pod: ${meta(created, "name")}`);
      }
    }
  }
  Object.assign(status, {
    active: active.length, ready: active.filter(isPodReady).length, succeeded: tally.succeeded.size, failed: tally.failed.size,
    terminating: pods.filter(isDeleting).length, uncountedTerminatedPods: {},
  });
  for (const key of ["active", "succeeded", "failed"]) if (status[key] === 0) delete status[key];
  const stamp = { now };
  if (suspended) status["conditions"] = setCondition(status, { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" }, stamp);
  if (done) {
    // Kubernetes 1.31+: SuccessCriteriaMet / FailureTarget first, then the terminal condition.
    const interim = done.type === "Complete" ? "SuccessCriteriaMet" : "FailureTarget";
    status["conditions"] = setCondition(status, { type: interim, status: "True", reason: done.reason, message: done.message }, stamp);
    status["conditions"] = setCondition(status, { type: done.type, status: "True", reason: done.reason, message: done.message }, stamp);
    if (done.type === "Complete") status["completionTime"] = kubeTimestamp(now);
    await ctx.event(job, done.type === "Complete" ? "Normal" : "Warning", done.type === "Complete" ? "Completed" : done.reason, done.type === "Complete" ? "Job completed" : done.message);
  }
  await tolerateRace(ctx.api.update(refOf(JOB, job), (c) => ({ ...c, status }), "status"), (e) => ctx.report(e));
}

/**
 * The Job controller (pkg/controller/job), NonIndexed completion mode: pods from the template
 * (`<job>-<suffix>`), up to parallelism while completions remain, re-created after a failure with
 * back-off (10 s doubling, at most 6 min); status startTime, active, ready, succeeded, failed,
 * terminating, completionTime; conditions SuccessCriteriaMet + Complete (CompletionsReached),
 * FailureTarget + Failed (BackoffLimitExceeded after more than backoffLimit failures,
 * DeadlineExceeded after activeDeadlineSeconds), Suspended. A finished Job's remaining pods are
 * deleted. Counts are kept per Job in memory (the real controller tracks them with pod finalizers).
 */
export function createJobController(): SimController {
  const tallies = new Map<string, Tally>();
  return {
    name: COMPONENT,
    async sync(ctx) {
      const jobs = ctx.api.list(JOB);
      for (const job of jobs) {
        const uid = meta(job, "uid");
        if (!tallies.has(uid)) tallies.set(uid, { succeeded: new Set(), failed: new Set(), lastFailureMs: 0 });
        await syncJob(ctx, job, tallies.get(uid)!);
      }
      const live = new Set(jobs.map((j) => meta(j, "uid")));
      for (const uid of tallies.keys()) if (!live.has(uid)) tallies.delete(uid);
    },
  };
}
