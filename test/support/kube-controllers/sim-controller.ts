import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { StatusError } from "../kube-apiserver/status-error.ts";
import type { ClusterApi } from "./cluster-api.ts";

/** What a controller gets for one pass. */
export interface ControllerContext {
  readonly api: ClusterApi;
  /** Records an API error the controller could not act around (an admission denial, a 422): see SimulatedCluster.errors. */
  report(error: StatusError): void;
  /** Emits a core/v1 Event about `object` (as the real controller's EventRecorder does). */
  event(object: JsonObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void>;
}

/**
 * One simulated controller. `sync` is one level-triggered pass over every object the controller
 * owns (a real controller's sync of each queued key, all keys at once); the driver repeats passes
 * until a whole round writes nothing, so a pass only needs to make progress, not finish.
 */
export interface SimController {
  /** Its name in errors and Events' source.component (kube-controller-manager's names). */
  readonly name: string;
  sync(ctx: ControllerContext): Promise<void>;
}
