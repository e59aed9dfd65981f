import type { ReplaceSettings } from "../../core/replace/replace-settings.ts";
import { refKey, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import { messageOf } from "../../errors.ts";
import type { KubeHttp } from "../kube/kube-http.ts";
import { runReplacement, type ReplacementOutcome as EngineOutcome } from "../replace/run-replacement.ts";
import type { ReplacementOutcome, ReplacementPort } from "./replacement-port.ts";

export interface EnginePortDeps {
  readonly http: KubeHttp;
  /** The guard's namespace: the engine's journals live there (the Lease's namespace). */
  readonly journalNamespace: string;
  readonly identity: string;
  readonly settings: ReplaceSettings;
  readonly time: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void>; readonly pollMs?: number };
  /** Targets being replaced through this port now (refKey): watch's replacement runner leaves them alone. */
  readonly claims: Set<string>;
}

function outcomeOf(o: EngineOutcome): ReplacementOutcome {
  switch (o.kind) {
    case "replaced":
      return { type: "done", message: `replaced by ${o.strategy} (journal ${o.journal})` };
    case "rolled-back":
      return { type: "failed", message: `rolled back by the engine: ${o.reason} (journal ${o.journal})` };
    case "failed":
    case "interrupted":
    case "busy":
      return { type: "failed", message: `${o.kind}: ${o.reason} (journal ${o.journal})` };
    case "refused":
      return { type: "failed", message: `refused: ${o.refusal.reason}` };
  }
}

/**
 * Recovery's port to the replacement engine (src/adapters/replace/run-replacement.ts): an
 * orphan-recreate in `auto` mode — a journaled replacement of the target is resumed, a new one
 * started — whose new object the owner brings (the engine requests the reconcile). The engine
 * rolls back by itself when the new object is not healthy in time; `rollback` then only reads
 * how the journal ended (resume of a finished journal answers its outcome).
 */
export function replacementEnginePort(deps: EnginePortDeps): ReplacementPort {
  const engineDeps = {
    http: deps.http, journalNamespace: deps.journalNamespace, identity: deps.identity,
    now: deps.time.now, sleep: deps.time.sleep, ...(deps.time.pollMs === undefined ? {} : { pollMs: deps.time.pollMs }),
  };
  const refOf = (r: { readonly target: { readonly kind: string; readonly namespace: string | null; readonly name: string }; readonly apiVersion: string }): ReplaceRef => ({
    apiVersion: r.apiVersion, kind: r.target.kind, namespace: r.target.namespace ?? "", name: r.target.name,
  });
  return {
    async orphanRecreate(request) {
      const target = refOf(request);
      const key = refKey(target);
      deps.claims.add(key);
      try {
        const desired = request.desired === undefined ? {} : { desired: request.desired };
        return outcomeOf(await runReplacement({ target, strategy: "orphan-recreate", settings: deps.settings, ...desired }, "auto", engineDeps));
      } catch (err) {
        return { type: "failed", message: messageOf(err) };
      } finally {
        deps.claims.delete(key);
      }
    },
    async rollback(request) {
      try {
        return outcomeOf(await runReplacement({ target: refOf(request), settings: deps.settings }, "resume", engineDeps));
      } catch (err) {
        return { type: "failed", message: messageOf(err) };
      }
    },
  };
}
