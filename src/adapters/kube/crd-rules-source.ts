import type { KubeConfig } from "@kubernetes/client-node";
import type { JsonObject } from "../../core/k8s/json.ts";
import { metaString } from "../../core/k8s/kube-object.ts";
import { declaredRulesFromCrd } from "../../core/crd/declared-rules-from-crd.ts";
import { createCelCompiler } from "../../core/crd/cel/cel-compiler.ts";
import type { Rule } from "../../core/rules/rule.ts";
import type { KubeHttp } from "./kube-http.ts";
import { listWatch, type ListWatch, type ListWatchOptions } from "./list-watch.ts";

function nameOf(object: JsonObject): string {
  return metaString(object, "name") ?? "";
}

/**
 * Lists and watches CustomResourceDefinitions and reports the declared rules of all of them after
 * every change (CRDs are few and change rarely: rebuilding is simpler than patching an index).
 */
export function watchCrdRules(options: {
  readonly kc: KubeConfig;
  readonly http: KubeHttp;
  /** The rules of every CRD read so far, and the CRDs that declare rules (for a provider that rebuilds them elsewhere). */
  readonly onRules: (rules: readonly Rule[], crds: readonly JsonObject[]) => void;
  readonly onInvalid: (name: string, error: string) => void;
  readonly onError: ListWatchOptions["onError"];
  readonly backoff?: ListWatchOptions["backoff"];
}): ListWatch {
  // A CRD is kept whole only when it declares rules: most declare none, and a cluster may hold
  // hundreds of CRDs with large schemas (the decision thread gets a copy of every one kept).
  const byName = new Map<string, { readonly crd: JsonObject | undefined; readonly rules: readonly Rule[] }>();
  // Compiled programs are kept by rule text: an event that does not change a CRD's rules (a
  // status update, a new generation with the same rules) compiles nothing.
  const ruleOptions = { compiler: createCelCompiler(), now: () => performance.now() };
  const read = (crd: JsonObject): void => {
    const result = declaredRulesFromCrd(crd, ruleOptions);
    if (result.ok) byName.set(nameOf(crd), { crd: result.rules.length > 0 ? crd : undefined, rules: result.rules });
    else options.onInvalid(nameOf(crd), result.error);
  };
  const publish = (): void => {
    const read = [...byName.values()];
    options.onRules(read.flatMap((r) => r.rules), read.flatMap((r) => (r.crd ? [r.crd] : [])));
  };
  return listWatch({
    kc: options.kc,
    http: options.http,
    path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    ...(options.backoff ? { backoff: options.backoff } : {}),
    onList: (items) => {
      byName.clear();
      items.forEach(read);
      publish();
    },
    onEvent: (type, crd) => {
      if (type === "DELETED") byName.delete(nameOf(crd));
      else read(crd);
      publish();
    },
    onError: options.onError,
  });
}
