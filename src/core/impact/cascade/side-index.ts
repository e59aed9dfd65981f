import { getAt } from "../../k8s/field-path.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";
import { describeObject, identityKey, type ObjectIdentity } from "../../k8s/kube-object.ts";
import { BUILTIN_GROUPS } from "../cluster-scoped-kinds.ts";
import { addLabeled, addSelecting, createLabelIndex, createSelectorIndex, type LabelIndex, type NamespaceScope, type SelectorIndex } from "./label-index.ts";
import { EVERYTHING, labelsOf, parseLabelSelector, parseMapSelector, type Labels, type Selector } from "./label-selector.ts";
import { ingressTlsReferences, podReferences, substituteFromReferences, type PodReference } from "./pod-references.ts";
import { podTemplateOf, type PodTemplate } from "./pod-templates.ts";

/** One object of one side (before or after), with the identity pairing gave it (namespace defaulted). */
export interface SideObject {
  readonly identity: ObjectIdentity;
  readonly apiVersion: string;
  readonly object: JsonObject;
}

/** "Deployment web/api": how cascade messages name an object. */
export function nodeName(node: SideObject): string {
  return describeObject(node.identity.kind, node.identity.namespace, node.identity.name);
}

export type SelectorRole = "Service" | "PodDisruptionBudget" | "NetworkPolicy" | "NetworkPolicy peer" | "PodMonitor" | "ServiceMonitor";

/** A label selector held by an object, and where (field path) it holds it. */
export interface HeldSelector {
  /** Owner identity key and path: the same held selector on both sides has the same key. */
  readonly key: string;
  readonly owner: SideObject;
  readonly role: SelectorRole;
  readonly path: string;
  readonly selector: Selector;
  readonly scope: NamespaceScope;
}

export interface Workload {
  readonly node: SideObject;
  readonly template: PodTemplate;
}

/** An object that names another one (`holder` → target), at `path`. */
export interface Ref {
  readonly holder: SideObject;
  readonly path: string;
  /** Ingress/route backends: the Service port asked for (name or number). */
  readonly port?: string | number;
  /** Workload references: what the pod reads. */
  readonly reference?: PodReference;
}

/** The objects of one side, indexed by every relationship the cascade follows. */
export interface SideIndex {
  readonly objects: Map<string, SideObject>;
  readonly workloads: LabelIndex<Workload>;
  /** Selectors over pods: Services, PDBs, NetworkPolicies (and their peers), PodMonitors. */
  readonly podSelectors: SelectorIndex<HeldSelector>;
  /** Services by their own labels (what ServiceMonitors select). */
  readonly services: LabelIndex<SideObject>;
  readonly serviceSelectors: SelectorIndex<HeldSelector>;
  /** Every selector an object holds, by the object's identity key. */
  readonly held: Map<string, HeldSelector[]>;
  /** Every held selector by its key (owner and path). */
  readonly heldByKey: Map<string, HeldSelector>;
  /** Labels of the Namespace objects in the set. */
  readonly namespaceLabels: Map<string, Labels>;
  /** Keyed by refKey(group, kind, namespace, name) of the target. */
  readonly refs: Map<string, Ref[]>;
  /** Custom resources by `group/Kind`. */
  readonly instances: Map<string, SideObject[]>;
  /**
   * What each held selector selects, filled on first use (selection.ts): a catch-all selector
   * (`{}` PDB, default-deny NetworkPolicy) is evaluated once per run, not once per changed workload.
   */
  readonly selectedCache: Map<string, readonly Workload[]>;
}

/** Key of a referenced object: group, kind, namespace, name (the version plays no part). */
export function refKey(group: string, kind: string, namespace: string, name: string): string {
  return identityKey({ group, kind, namespace, name });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

const OWN = (node: SideObject): NamespaceScope => ({ type: "names", names: [node.identity.namespace] });

function addWorkload(index: SideIndex, node: SideObject, template: PodTemplate): void {
  addLabeled(index.workloads, node.identity.namespace, template.labels, { node, template });
  const specPath = template.labelsPath.replace(/\.metadata\.labels$/, ".spec").replace(/^metadata\.labels$/, "spec");
  for (const reference of podReferences(template.spec, specPath)) {
    push(index.refs, refKey("", reference.kind, node.identity.namespace, reference.name), { holder: node, path: reference.path, reference });
  }
}

function addHeld(index: SideIndex, fields: Omit<HeldSelector, "key">): void {
  const ownerKey = identityKey(fields.owner.identity);
  const held: HeldSelector = { key: `${ownerKey}#${fields.path}`, ...fields };
  index.heldByKey.set(held.key, held);
  const target = held.role === "ServiceMonitor" ? index.serviceSelectors : index.podSelectors;
  addSelecting(target, { item: held, selector: held.selector, scope: held.scope });
  push(index.held, ownerKey, held);
}

function addNetworkPolicy(index: SideIndex, node: SideObject): void {
  const spec = getAt(node.object, ["spec"]);
  const podSelector = parseLabelSelector(getAt(spec, ["podSelector"]), EVERYTHING);
  addHeld(index, { owner: node, role: "NetworkPolicy", path: "spec.podSelector", selector: podSelector, scope: OWN(node) });
  for (const [direction, peersKey] of [["ingress", "from"], ["egress", "to"]] as const) {
    list(getAt(spec, [direction])).forEach((rule, r) => {
      list(getAt(rule, [peersKey])).forEach((peer, p) => {
        if (!isJsonObject(peer) || peer["ipBlock"] !== undefined) return;
        const nsSelector = peer["namespaceSelector"];
        // networking/v1 NetworkPolicyPeer: with a namespaceSelector the peer is those pods in the
        // selected namespaces (an absent podSelector = every pod there); otherwise the policy's own namespace.
        const scope: NamespaceScope = isJsonObject(nsSelector) ? { type: "selector", selector: parseLabelSelector(nsSelector) } : OWN(node);
        const selector = parseLabelSelector(peer["podSelector"], EVERYTHING);
        addHeld(index, { owner: node, role: "NetworkPolicy peer", path: `spec.${direction}[${r}].${peersKey}[${p}]`, selector, scope });
      });
    });
  }
}

/** prometheus-operator NamespaceSelector: `any: true`, `matchNames`, or (neither) the monitor's own namespace. */
function monitorScope(node: SideObject): NamespaceScope {
  const nsSelector = getAt(node.object, ["spec", "namespaceSelector"]);
  if (isJsonObject(nsSelector) && nsSelector["any"] === true) return { type: "any" };
  const names = list(isJsonObject(nsSelector) ? nsSelector["matchNames"] : undefined).flatMap((n) => (typeof n === "string" ? [n] : []));
  return names.length > 0 ? { type: "names", names } : OWN(node);
}

function addMonitor(index: SideIndex, node: SideObject, role: "ServiceMonitor" | "PodMonitor"): void {
  const held = { owner: node, role, path: "spec.selector", selector: parseLabelSelector(getAt(node.object, ["spec", "selector"])), scope: monitorScope(node) };
  addHeld(index, held);
}

function backendPort(port: JsonValue | undefined): string | number | undefined {
  if (typeof port === "number" || (typeof port === "string" && port !== "")) return port;
  if (!isJsonObject(port)) return undefined;
  return str(port["name"]) ?? (typeof port["number"] === "number" ? port["number"] : undefined);
}

function addBackend(index: SideIndex, node: SideObject, backend: JsonValue | undefined, path: string): void {
  if (!isJsonObject(backend)) return;
  const service = backend["service"];
  // networking.k8s.io/v1 `service: {name, port: {name|number}}`; v1beta1 `serviceName` + `servicePort`.
  const name = isJsonObject(service) ? str(service["name"]) : str(backend["serviceName"]);
  const port = isJsonObject(service) ? backendPort(service["port"]) : backendPort(backend["servicePort"]);
  if (name) push(index.refs, refKey("", "Service", node.identity.namespace, name), { holder: node, path, ...(port === undefined ? {} : { port }) });
}

function addIngress(index: SideIndex, node: SideObject): void {
  const spec = getAt(node.object, ["spec"]);
  addBackend(index, node, getAt(spec, ["defaultBackend"]) ?? getAt(spec, ["backend"]), "spec.defaultBackend");
  list(getAt(spec, ["rules"])).forEach((rule, r) => {
    list(getAt(rule, ["http", "paths"])).forEach((p, i) => addBackend(index, node, getAt(p, ["backend"]), `spec.rules[${r}].http.paths[${i}].backend`));
  });
  for (const reference of ingressTlsReferences(node.object)) {
    push(index.refs, refKey("", "Secret", node.identity.namespace, reference.name), { holder: node, path: reference.path, reference });
  }
}

/** Gateway API routes: `spec.rules[].backendRefs[]` (group "" and kind Service by default; namespace defaults to the route's). */
function addRoute(index: SideIndex, node: SideObject): void {
  list(getAt(node.object, ["spec", "rules"])).forEach((rule, r) => {
    list(getAt(rule, ["backendRefs"])).forEach((ref, b) => {
      if (!isJsonObject(ref)) return;
      const group = str(ref["group"]) ?? "";
      const kind = str(ref["kind"]) ?? "Service";
      const name = str(ref["name"]);
      if (!name || group !== "" || kind !== "Service") return;
      const namespace = str(ref["namespace"]) ?? node.identity.namespace;
      const port = backendPort(ref["port"]);
      push(index.refs, refKey("", "Service", namespace, name), { holder: node, path: `spec.rules[${r}].backendRefs[${b}]`, ...(port === undefined ? {} : { port }) });
    });
  });
}

function addScaleTarget(index: SideIndex, node: SideObject, field: "scaleTargetRef" | "targetRef"): void {
  const ref = getAt(node.object, ["spec", field]);
  if (!isJsonObject(ref)) return;
  const kind = str(ref["kind"]);
  const name = str(ref["name"]);
  const apiVersion = str(ref["apiVersion"]) ?? "";
  if (!kind || !name) return;
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  push(index.refs, refKey(group, kind, node.identity.namespace, name), { holder: node, path: `spec.${field}` });
}

/** RoleBinding/ClusterRoleBinding subjects of kind ServiceAccount; a RoleBinding's subject namespace defaults to its own. */
function addBinding(index: SideIndex, node: SideObject): void {
  list(getAt(node.object, ["subjects"])).forEach((subject, i) => {
    if (!isJsonObject(subject) || subject["kind"] !== "ServiceAccount") return;
    const name = str(subject["name"]);
    const namespace = str(subject["namespace"]) ?? (node.identity.kind === "RoleBinding" ? node.identity.namespace : undefined);
    if (name && namespace) push(index.refs, refKey("", "ServiceAccount", namespace, name), { holder: node, path: `subjects[${i}]` });
  });
}

/** Flux `spec.dependsOn[]`: same kind, namespace defaulting to the dependent's (NamespacedObjectReference). */
function addFlux(index: SideIndex, node: SideObject): void {
  const { group, kind, namespace } = node.identity;
  list(getAt(node.object, ["spec", "dependsOn"])).forEach((dep, i) => {
    const name = isJsonObject(dep) ? str(dep["name"]) : undefined;
    const ns = (isJsonObject(dep) ? str(dep["namespace"]) : undefined) ?? namespace;
    if (name) push(index.refs, refKey(group, kind, ns, name), { holder: node, path: `spec.dependsOn[${i}]` });
  });
  const references = kind === "Kustomization" ? substituteFromReferences(node.object) : helmValuesFrom(node.object);
  for (const reference of references) push(index.refs, refKey("", reference.kind, namespace, reference.name), { holder: node, path: reference.path, reference });
}

/** HelmRelease `spec.valuesFrom[]`: ConfigMaps and Secrets in its own namespace, key `valuesKey` (default values.yaml). */
function helmValuesFrom(object: JsonObject): PodReference[] {
  return list(getAt(object, ["spec", "valuesFrom"])).flatMap((ref, i) => {
    if (!isJsonObject(ref)) return [];
    const kind = ref["kind"] === "Secret" ? "Secret" : ref["kind"] === "ConfigMap" ? "ConfigMap" : undefined;
    const name = str(ref["name"]);
    if (!kind || !name) return [];
    const key = str(ref["valuesKey"]) ?? "values.yaml";
    return [{ kind, name, keys: [key], optional: ref["optional"] === true, via: "substituteFrom" as const, path: `spec.valuesFrom[${i}]` }];
  });
}

const ROUTE_KINDS: ReadonlySet<string> = new Set(["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"]);

type Indexer = (index: SideIndex, node: SideObject) => void;

const INDEXERS: ReadonlyMap<string, Indexer> = new Map<string, Indexer>([
  ["/Service", (index, node) => {
    addLabeled(index.services, node.identity.namespace, labelsOf(getAt(node.object, ["metadata", "labels"])), node);
    if (getAt(node.object, ["spec", "type"]) === "ExternalName") return;
    const selector = parseMapSelector(getAt(node.object, ["spec", "selector"]));
    addHeld(index, { owner: node, role: "Service", path: "spec.selector", selector, scope: OWN(node) });
  }],
  ["policy/PodDisruptionBudget", (index, node) => {
    // policy/v1: "A null selector will match no pods, while an empty ({}) selector will select all pods within the namespace."
    const selector = parseLabelSelector(getAt(node.object, ["spec", "selector"]));
    addHeld(index, { owner: node, role: "PodDisruptionBudget", path: "spec.selector", selector, scope: OWN(node) });
  }],
  ["networking.k8s.io/NetworkPolicy", addNetworkPolicy],
  ["monitoring.coreos.com/ServiceMonitor", (index, node) => addMonitor(index, node, "ServiceMonitor")],
  ["monitoring.coreos.com/PodMonitor", (index, node) => addMonitor(index, node, "PodMonitor")],
  ["networking.k8s.io/Ingress", addIngress],
  ["extensions/Ingress", addIngress],
  ["autoscaling/HorizontalPodAutoscaler", (index, node) => addScaleTarget(index, node, "scaleTargetRef")],
  ["autoscaling.k8s.io/VerticalPodAutoscaler", (index, node) => addScaleTarget(index, node, "targetRef")],
  ["rbac.authorization.k8s.io/RoleBinding", addBinding],
  ["rbac.authorization.k8s.io/ClusterRoleBinding", addBinding],
  ["kustomize.toolkit.fluxcd.io/Kustomization", addFlux],
  ["helm.toolkit.fluxcd.io/HelmRelease", addFlux],
  ["/Namespace", (index, node) => {
    index.namespaceLabels.set(node.identity.name, labelsOf(getAt(node.object, ["metadata", "labels"])));
  }],
]);

function indexOne(index: SideIndex, node: SideObject): void {
  const { group, kind } = node.identity;
  index.objects.set(identityKey(node.identity), node);
  const template = podTemplateOf(group, kind, node.object);
  if (template) addWorkload(index, node, template);
  const indexer = INDEXERS.get(`${group}/${kind}`) ?? (group === "gateway.networking.k8s.io" && ROUTE_KINDS.has(kind) ? addRoute : undefined);
  indexer?.(index, node);
  if (!BUILTIN_GROUPS.has(group)) push(index.instances, `${group}/${kind}`, node);
}

/** Indexes one side's objects in one pass (linear in their number). */
export function buildSideIndex(nodes: Iterable<SideObject>): SideIndex {
  const index: SideIndex = {
    objects: new Map(),
    workloads: createLabelIndex(),
    podSelectors: createSelectorIndex(),
    services: createLabelIndex(),
    serviceSelectors: createSelectorIndex(),
    held: new Map(),
    heldByKey: new Map(),
    namespaceLabels: new Map(),
    refs: new Map(),
    instances: new Map(),
    selectedCache: new Map(),
  };
  for (const node of nodes) indexOne(index, node);
  return index;
}

/**
 * The labels of a namespace: its Namespace object's labels when the set has one, plus
 * `kubernetes.io/metadata.name`, which the API server sets on every namespace (since v1.21, GA in
 * v1.22). `known` is false when the Namespace object is not in the set.
 */
export function namespaceLabelsOf(index: SideIndex, namespace: string): { labels: Labels; known: boolean } {
  const own = index.namespaceLabels.get(namespace);
  const labels = new Map(own ?? []);
  labels.set("kubernetes.io/metadata.name", namespace);
  return { labels, known: own !== undefined };
}
