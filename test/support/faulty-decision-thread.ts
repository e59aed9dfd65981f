/**
 * A decision thread with faults on demand, for the failure tests of decision-worker-client.ts:
 * the real serveDecisions, behind a port that acts on a review's uid first.
 * - `crash-thread`: an uncaught exception ends the thread;
 * - `stall-thread`: a decision that never ends (a busy loop; only terminate() stops it);
 * - `throw-in-core`: the catalogue throws while this review is decided.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { serveDecisions, type DecisionPort } from "../../src/adapters/decision-thread/serve-decisions.ts";
import { dynamicPolicyProvider, type DynamicPolicyProvider } from "../../src/adapters/policy/dynamic-policy-provider.ts";
import type { ToDecisionThread } from "../../src/adapters/decision-thread/decision-messages.ts";
import type { Catalogue } from "../../src/core/rules/catalogue.ts";

const BROKEN: Catalogue = {
  all: [],
  rulesFor: () => { throw new Error("boom in the catalogue"); },
  scopeFor: () => { throw new Error("boom in the catalogue"); },
  pointerStructsFor: () => { throw new Error("boom in the catalogue"); },
  judgesSubresource: () => { throw new Error("boom in the catalogue"); },
};

function faultyPort(port: MessagePort, onTrigger: (trigger: string) => void): DecisionPort {
  return {
    postMessage: (message: unknown) => port.postMessage(message),
    on: ((event: "message", listener: (message: ToDecisionThread) => void) => {
      port.on(event, (message: ToDecisionThread) => {
        if (message.type === "review") {
          const trigger = /"uid":"(crash-thread|stall-thread|throw-in-core)"/.exec(message.text)?.[1];
          if (trigger) onTrigger(trigger);
        }
        listener(message);
      });
      return port;
    }) as DecisionPort["on"],
  };
}

if (!isMainThread && parentPort) {
  const real = dynamicPolicyProvider();
  let breakNext = false;
  const provider: DynamicPolicyProvider = {
    ...real,
    current: () => {
      const active = real.current();
      if (!breakNext || !active) return active;
      breakNext = false;
      return { ...active, catalogue: BROKEN };
    },
  };
  serveDecisions(faultyPort(parentPort, (trigger) => {
    if (trigger === "crash-thread") throw new Error("the decision thread crashed on purpose");
    if (trigger === "stall-thread") {
      // What serveDecisions does when it starts a review, then a decision that never ends.
      Atomics.store(new BigInt64Array((workerData as { busySince: SharedArrayBuffer }).busySince), 0, BigInt(Date.now()));
      for (;;);
    }
    breakNext = true;
  }), workerData as { guardNamespace: string; recording: boolean; busySince: SharedArrayBuffer }, provider);
}
