import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiContext } from "./api-context.ts";
import { createBackgroundRunner } from "./background-runner.ts";
import { builtinResources } from "./builtin-resources.ts";
import { resourceTypesFromCrd } from "./crd-resource-types.ts";
import { generateServingCert } from "./generate-serving-cert.ts";
import { createRequestHandler, type LoggedRequest } from "./handle-request.ts";
import { kubeconfigYaml } from "./kubeconfig-yaml.ts";
import { createObjectStore, type StoredChange } from "./object-store.ts";
import { createResourceRegistry, type ResourceRegistry } from "./resource-registry.ts";
import { defineResource, type ResourceSpec, type ResourceType } from "./resource-type.ts";
import { createStoreAccess, type StoreAccess } from "./store-access.ts";
import { createWriteHooks, type AdmissionPlugins, type Validator, type WriteListener } from "./write-hooks.ts";

/** Options of startKubeApiServer; every one has a default. */
export interface KubeApiServerOptions {
  /** Bearer token clients must send. Default: 32 random hex characters. */
  readonly token?: string;
  /** Milliseconds between BOOKMARK events on watches with allowWatchBookmarks=true. Default 60000 (kube-apiserver's watch cache bookmarks about once a minute); tests pass a few ms. */
  readonly bookmarkIntervalMs?: number;
  /** Changes kept for watch replay and continue tokens; older resourceVersions get 410 Expired. Default 1000. */
  readonly historyLimit?: number;
  /** Milliseconds between a delete and the garbage collector / namespace controller acting on it. Default 0. */
  readonly controllerDelayMs?: number;
  /** Namespaces that exist at start. Default: default, kube-system, kube-public, kube-node-lease. */
  readonly namespaces?: readonly string[];
  /** Clock for object timestamps (not the serving certificate, which uses the wall clock). Default: () => new Date(). */
  readonly now?: () => Date;
  /** gitVersion answered on /version. Default "v1.33.0". */
  readonly kubernetesVersion?: string;
}

/** A running simulated kube-apiserver on https://127.0.0.1:<port>. */
export interface SimulatedApiServer {
  /** "https://127.0.0.1:<port>"; the same after setAvailable(false) then (true). */
  readonly url: string;
  /** The CA that signed the serving certificate (PEM). */
  readonly caPem: string;
  /** The bearer token the kubeconfig's user carries. */
  readonly token: string;
  /** A kubeconfig file in a private temp directory (removed by stop()): KubeConfig.loadFromFile(kubeconfigPath). */
  readonly kubeconfigPath: string;
  /** The same kubeconfig as text (KubeConfig.loadFromString). */
  readonly kubeconfigYaml: string;
  /** Direct storage access for setup and assertions. */
  readonly store: StoreAccess;
  /**
   * The in-process API (registry, store, write hooks, background runner): simulated controllers
   * (test/support/kube-controllers) write through createObject/updateObject/deleteObject with it,
   * so admission, validation, watches and the garbage collector see their writes.
   */
  readonly context: ApiContext;
  /** Every request received, oldest first (method, path, query, content type, status). */
  readonly requests: readonly LoggedRequest[];
  /** Changes the gitVersion /version answers (a control-plane upgrade). */
  setKubernetesVersion(gitVersion: string): void;
  /** Serves another resource (e.g. a CRD's kind); returns it. Creating a CRD through the API does this too. */
  registerResource(spec: ResourceSpec): ResourceType;
  /** Adds a listener called before every API write is stored; throw a StatusError to fail the write. Returns the remover. */
  onWrite(listener: WriteListener): () => void;
  /** Sets the validator for "configmaps" / "deployments.apps" (undefined removes it); its field errors fail writes with 422 Invalid. */
  setValidator(resource: string, validator: Validator | undefined): void;
  /** Replaces the admission plugins (see AdmissionPlugins for kube-apiserver's order). */
  setAdmission(plugins: AdmissionPlugins): void;
  /**
   * false: stops listening (new connections are refused), destroys open connections and watch
   * streams. true: listens again on the same port. Storage is kept across.
   */
  setAvailable(available: boolean): Promise<void>;
  /** Stops the server, cancels background work and removes the kubeconfig directory. */
  stop(): Promise<void>;
}

const CRD_STORAGE_KEY = "customresourcedefinitions.apiextensions.k8s.io";
const DEFAULT_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
// utilrand's alphabet for generateName suffixes: no vowels, no 0/1/3 (avoids words and look-alikes).
const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function syncCrdResources(registry: ResourceRegistry, change: StoredChange): void {
  if (change.storageKey !== CRD_STORAGE_KEY) return;
  for (const old of change.previous ? resourceTypesFromCrd(change.previous) : []) registry.unregister(old.group, old.version, old.plural);
  if (change.type !== "DELETED") for (const resource of resourceTypesFromCrd(change.object)) registry.register(resource);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a simulated kube-apiserver: HTTPS on 127.0.0.1 with a fresh CA and serving certificate,
 * bearer-token authentication, the built-in resources (builtinResources()), and a kubeconfig file
 * pointing at it. Resolves once it accepts connections. Call stop() when done.
 */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<SimulatedApiServer> {
  const now = options.now ?? (() => new Date());
  const token = options.token ?? randomBytes(16).toString("hex");
  const registry = createResourceRegistry(builtinResources());
  const store = createObjectStore(options.historyLimit ?? 1000);
  const hooks = createWriteHooks();
  const background = createBackgroundRunner(options.controllerDelayMs ?? 0);
  const ctx: ApiContext = {
    registry, store, hooks, background, now,
    newUid: () => randomUUID(),
    randomSuffix: () => Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join(""),
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    watches: new Set(),
  };
  store.subscribe((change) => syncCrdResources(registry, change));
  const access = createStoreAccess(ctx);
  for (const name of options.namespaces ?? DEFAULT_NAMESPACES) {
    access.put({ apiVersion: "v1", kind: "Namespace", metadata: { name }, spec: { finalizers: ["kubernetes"] }, status: { phase: "Active" } });
  }

  // TLS clients check validity against the wall clock, not the simulated one (`now` may be a
  // simulated clock far from today), so the certificate is always issued for real time.
  const cert = await generateServingCert(new Date());
  const requests: LoggedRequest[] = [];
  let port = 0;
  const server = createServer({ key: cert.keyPem, cert: cert.certPem });
  let kubernetesVersion = options.kubernetesVersion ?? "v1.33.0";
  server.on("request", createRequestHandler(ctx, {
    token, log: requests, get kubernetesVersion() { return kubernetesVersion; }, serverAddress: () => `127.0.0.1:${port}`,
  }));
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  port = await listen(server, 0);
  const url = `https://127.0.0.1:${port}`;
  const yaml = kubeconfigYaml({ server: url, caPem: cert.caPem, token });
  const dir = await mkdtemp(join(tmpdir(), "simulated-kube-"));
  const kubeconfigPath = join(dir, "kubeconfig.yaml");
  await writeFile(kubeconfigPath, yaml, { mode: 0o600 });

  let listening = true;
  const goDown = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const destroy of [...ctx.watches]) destroy();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url, caPem: cert.caPem, token, kubeconfigPath, kubeconfigYaml: yaml, store: access, context: ctx, requests,
    setKubernetesVersion(gitVersion) {
      kubernetesVersion = gitVersion;
    },
    registerResource(spec) {
      const resource = defineResource(spec);
      registry.register(resource);
      return resource;
    },
    onWrite: (listener) => hooks.onWrite(listener),
    setValidator: (resource, validator) => hooks.setValidator(resource, validator),
    setAdmission: (plugins) => hooks.setAdmission(plugins),
    async setAvailable(available) {
      if (!available) return goDown();
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    async stop() {
      background.cancelAll();
      await goDown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
