import type { JsonObject } from "../../../src/core/k8s/json.ts";
import { invalid, type FieldError } from "./invalid-error.ts";
import type { ResourceType } from "./resource-type.ts";
import { validateObjectMeta } from "./validate-object-meta.ts";

export type WriteOperation = "CREATE" | "UPDATE" | "DELETE";

/** One write on its way to storage, as validators, listeners and admission plugins see it. */
export interface WriteRequest {
  readonly operation: WriteOperation;
  readonly resource: ResourceType;
  /** "" for the main endpoint, "status" for /status. */
  readonly subresource: string;
  /** "" for cluster-scoped resources. */
  readonly namespace: string;
  readonly name: string;
  /** The object to be stored, in the served form; undefined for DELETE. */
  readonly object: JsonObject | undefined;
  /** The stored object before the write, in the served form; undefined for CREATE. */
  readonly oldObject: JsonObject | undefined;
  /** ?dryRun=All: everything runs, nothing is stored. */
  readonly dryRun: boolean;
}

/** Field errors make the write fail with 422 Invalid (like a registry strategy's Validate). */
export type Validator = (request: WriteRequest) => readonly FieldError[] | undefined;
/** Sees every write just before it is stored; throw a StatusError to make it fail with that status. */
export type WriteListener = (request: WriteRequest) => void;
/** May return a changed object (CREATE/UPDATE) or throw a StatusError to deny. */
export type MutatingAdmission = (request: WriteRequest) => Promise<JsonObject | undefined> | JsonObject | undefined;
/** Throw a StatusError to deny. */
export type ValidatingAdmission = (request: WriteRequest) => Promise<void> | void;

/**
 * Admission extension point. kube-apiserver's order for a write is: authentication →
 * authorization → mutating admission (built-in plugins, then MutatingAdmissionWebhooks, sorted by
 * configuration name, reinvoked once if a later one changed the object) → object schema and
 * strategy validation → validating admission (ValidatingAdmissionPolicy and
 * ValidatingAdmissionWebhooks, run in parallel) → storage. The simulator calls `mutating` in
 * array order, then validators (setValidator), then `validating` in array order, then the
 * onWrite listeners, then stores. Webhook calling (AdmissionReview over HTTPS, reinvocation,
 * failurePolicy, timeouts) is for later work to build on this point.
 */
export interface AdmissionPlugins {
  readonly mutating: readonly MutatingAdmission[];
  readonly validating: readonly ValidatingAdmission[];
}

/** The test-controlled stages of the write pipeline. */
export interface WriteHooks {
  /** Adds a listener for every write; returns the function that removes it. */
  onWrite(listener: WriteListener): () => void;
  /**
   * Sets (or, with undefined, removes) the validator of one resource, named as kubectl names it:
   * "configmaps" for core, "deployments.apps" otherwise.
   */
  setValidator(resource: string, validator: Validator | undefined): void;
  /** Replaces the admission plugins (default: none). */
  setAdmission(plugins: AdmissionPlugins): void;
  /** Runs mutating admission; returns the (possibly changed) object. */
  mutate(request: WriteRequest): Promise<JsonObject | undefined>;
  /** Built-in metadata checks, then the resource's validator: throws 422 Invalid on field errors. */
  validate(request: WriteRequest): void;
  /** Runs validating admission, then the onWrite listeners. */
  validateAndNotify(request: WriteRequest): Promise<void>;
}

/** Hooks with no validators, listeners or admission plugins. */
export function createWriteHooks(): WriteHooks {
  const listeners = new Set<WriteListener>();
  const validators = new Map<string, Validator>();
  let admission: AdmissionPlugins = { mutating: [], validating: [] };
  return {
    onWrite(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setValidator(resource, validator) {
      if (validator) validators.set(resource, validator);
      else validators.delete(resource);
    },
    setAdmission(plugins) {
      admission = plugins;
    },
    async mutate(request) {
      let object = request.object;
      for (const plugin of admission.mutating) object = (await plugin({ ...request, object })) ?? object;
      return object;
    },
    validate(request) {
      if (request.object === undefined) return;
      const { resource } = request;
      const key = resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`;
      const errors = [
        ...(request.operation === "CREATE" ? validateObjectMeta(resource, request.object) : []),
        ...(validators.get(key)?.(request) ?? []),
      ];
      if (errors.length > 0) throw invalid(resource.group, resource.kind, request.name, errors);
    },
    async validateAndNotify(request) {
      for (const plugin of admission.validating) await plugin(request);
      for (const listener of [...listeners]) listener(request);
    },
  };
}
