import { isJsonObject } from "../../../src/core/k8s/json.ts";
import type { Policy } from "../../../src/core/policy/policy-schema.ts";
import { startKubeApiServer, type SimulatedApiServer } from "../kube-apiserver/start-kube-api-server.ts";
import { startTestWebhook, type TestWebhook } from "../webhook-server.ts";
import type { AdmissionUserInfo } from "./admission-review-request.ts";
import { createFluxApplier, type FluxApplier, type KustomizationRef } from "./flux-applier.ts";
import { installBuiltinStrategies } from "./install-builtin-strategies.ts";
import { webhookAdmissionPlugins, type WebhookCall } from "./webhook-admission-plugin.ts";
import { readWebhookConfigurations, SHIPPED_WEBHOOKS } from "./webhook-configurations.ts";

/** The namespaces of the story cluster: the simulator's defaults, Flux's and the application's. */
export const STORY_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "flux-system", "shop"] as const;

/** The Kustomization that applies the stories' manifests. */
export const STORY_KUSTOMIZATION: KustomizationRef = { name: "apps", namespace: "flux-system" };

/** Who kustomize-controller is to the API server (its ServiceAccount's token). */
export const KUSTOMIZE_CONTROLLER: AdmissionUserInfo = {
  username: "system:serviceaccount:flux-system:kustomize-controller",
  groups: ["system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"],
};

/** A simulated cluster with (or without) gitops-guard installed, and Flux's applier. */
export interface StoryCluster {
  readonly api: SimulatedApiServer;
  /** The real gitops-guard webhook server; undefined for the baseline cluster. */
  readonly guard: TestWebhook | undefined;
  /** Every webhook call the API server made (empty without gitops-guard). */
  readonly calls: readonly WebhookCall[];
  /** kustomize-controller reconciling STORY_KUSTOMIZATION. */
  readonly flux: FluxApplier;
  stop(): Promise<void>;
}

/** What startStoryCluster needs. */
export interface StoryClusterOptions {
  /** Install gitops-guard's webhooks (manifests/base/webhooks.yaml) pointing at a real webhook server. */
  readonly guard: boolean;
  /** The webhook's policy. Default: the embedded default policy. */
  readonly policy?: Policy;
  /** spec.force of the Kustomization. Default false. */
  readonly force?: boolean;
  /** More webhook configurations (YAML files) and where their webhooks are served. Only with guard. */
  readonly otherWebhooks?: readonly { readonly file: string; readonly baseUrl: string; readonly ca: string }[];
}

/**
 * Starts the end-to-end setting of DESIGN.md "Testing on machines without a cluster": the
 * simulated kube-apiserver with the built-in strategies of the stories' kinds, optionally
 * gitops-guard's real webhook server registered as the shipped Mutating/ValidatingWebhookConfiguration
 * says (called over HTTPS in kube-apiserver's order), and a simulated kustomize-controller.
 */
export async function startStoryCluster(options: StoryClusterOptions): Promise<StoryCluster> {
  const api = await startKubeApiServer({ namespaces: [...STORY_NAMESPACES], controllerDelayMs: 5 });
  installBuiltinStrategies(api);
  let guard: TestWebhook | undefined;
  let calls: readonly WebhookCall[] = [];
  if (options.guard) {
    const server = await startTestWebhook(options.policy ? { policy: options.policy } : {});
    guard = server;
    const others = options.otherWebhooks ?? [];
    const endpoints = new Map<string, { baseUrl: string; ca: string }>();
    for (const other of others) {
      const read = readWebhookConfigurations([other.file]);
      for (const spec of [...read.mutating, ...read.validating]) endpoints.set(spec.name, { baseUrl: other.baseUrl, ca: other.ca });
    }
    const admission = webhookAdmissionPlugins({
      configurations: readWebhookConfigurations([SHIPPED_WEBHOOKS, ...others.map((o) => o.file)]),
      endpoint: (spec) => endpoints.get(spec.name) ?? { baseUrl: server.url, ca: server.ca },
      userInfo: KUSTOMIZE_CONTROLLER,
      requests: api.requests,
      namespaceLabels: (namespace) => {
        const labels = api.store.get({ apiVersion: "v1", kind: "Namespace", name: namespace })?.["metadata"];
        const map = isJsonObject(labels) ? labels["labels"] : undefined;
        return isJsonObject(map) ? Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
      },
    });
    api.setAdmission(admission.plugins);
    calls = admission.calls;
  }
  const flux = createFluxApplier({
    server: api,
    kustomization: { ...STORY_KUSTOMIZATION, ...(options.force ? { force: true } : {}) },
    waitIntervalMs: 10,
    waitTimeoutMs: 5000,
  });
  return {
    api, guard, calls, flux,
    async stop() {
      await api.stop();
      await guard?.close();
    },
  };
}
