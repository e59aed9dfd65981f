import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { parseLabelSelector } from "../../../src/core/impact/cascade/label-selector.ts";
import { StatusError } from "../kube-apiserver/status-error.ts";
import { refOf, tolerateRace } from "./cluster-api.ts";
import { claimObjects, planClaims } from "./claim-objects.ts";
import { byCreation, meta, numberField, objectField } from "./json-fields.ts";
import { CONTROLLER_REVISION } from "./kinds.ts";
import { controllerRefTo } from "./owner-references.ts";
import { computeHash } from "./pod-template-hash.ts";
import type { ControllerContext } from "./sim-controller.ts";

/** The label on pods and ControllerRevisions naming the revision (StatefulSet: the revision's name; DaemonSet: its hash). */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";

/** The revisions of a workload: current (what most pods run) and update (the template now). */
export interface Revisions {
  readonly all: JsonObject[];
  readonly update: JsonObject;
  readonly current: JsonObject;
}

function templateOf(revision: JsonObject): string {
  return JSON.stringify(objectField(objectField(objectField(revision, "data"), "spec"), "template"));
}

/** The pod template a revision records. */
export function revisionTemplate(revision: JsonObject): JsonObject {
  return objectField(objectField(objectField(revision, "data"), "spec"), "template");
}

/** The revision hash (the label value, without the `<owner>-` prefix). */
export function revisionHash(revision: JsonObject): string {
  return String(objectField(objectField(revision, "metadata"), "labels")[CONTROLLER_REVISION_HASH_LABEL] ?? "");
}

/**
 * history.go and stateful_set_control.go getStatefulSetRevisions (the DaemonSet's constructHistory
 * is the same idea): claim the ControllerRevisions the selector matches (adopting orphans left by
 * an orphan delete), find the one recording the current template or create `<owner>-<hash>`
 * (revision = highest + 1; a taken name with another template bumps collisionCount via
 * `onCollision`), and take status.currentRevision as current when it still exists.
 * Returns undefined when the revision could not be written (retried next pass).
 */
export async function syncRevisions(ctx: ControllerContext, owner: JsonObject, onCollision: () => Promise<void>): Promise<Revisions | undefined> {
  const spec = objectField(owner, "spec");
  const selector = parseLabelSelector(spec["selector"]);
  const candidates = ctx.api.list(CONTROLLER_REVISION, meta(owner, "namespace"));
  const all = (await claimObjects(ctx, CONTROLLER_REVISION, owner, planClaims(owner, selector, candidates))).sort(byCreation);
  const template = objectField(spec, "template");
  const wanted = JSON.stringify(template);
  let update = all.filter((r) => templateOf(r) === wanted).sort((a, b) => numberField(b, "revision", 0) - numberField(a, "revision", 0))[0];
  if (!update) {
    const collisionCount = typeof objectField(owner, "status")["collisionCount"] === "number" ? numberField(objectField(owner, "status"), "collisionCount", 0) : undefined;
    const hash = computeHash(template, collisionCount);
    const revision: JsonObject = {
      apiVersion: "apps/v1", kind: "ControllerRevision",
      metadata: {
        name: `${meta(owner, "name")}-${hash}`, namespace: meta(owner, "namespace"),
        labels: { ...objectField(objectField(template, "metadata"), "labels"), [CONTROLLER_REVISION_HASH_LABEL]: hash },
        ownerReferences: [controllerRefTo(owner)],
      },
      data: { spec: { template: structuredClone(template) } },
      revision: Math.max(0, ...all.map((r) => numberField(r, "revision", 0))) + 1,
    };
    try {
      update = await ctx.api.create(revision);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.reason === "AlreadyExists") await onCollision();
      else ctx.report(error);
      return undefined;
    }
    all.push(update);
  }
  const currentName = String(objectField(owner, "status")["currentRevision"] ?? "");
  const current = all.find((r) => meta(r, "name") === currentName) ?? update;
  return { all, update, current };
}

/** Deletes revisions beyond revisionHistoryLimit (default 10) that no pod and neither current nor update uses, oldest first. */
export async function truncateHistory(ctx: ControllerContext, revisions: Revisions, inUse: ReadonlySet<string>, limit: number): Promise<void> {
  const idle = revisions.all.filter((r) => r !== revisions.update && r !== revisions.current && !inUse.has(meta(r, "name")) && !inUse.has(revisionHash(r)));
  for (const revision of idle.slice(0, Math.max(0, idle.length - limit))) {
    await tolerateRace(ctx.api.delete(refOf(CONTROLLER_REVISION, revision)), (e) => ctx.report(e));
  }
}
