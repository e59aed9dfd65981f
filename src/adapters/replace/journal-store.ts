import { AppError } from "../../errors.ts";
import { isJsonObject, type JsonObject } from "../../core/k8s/json.ts";
import { metaString } from "../../core/k8s/kube-object.ts";
import { JOURNAL_KEY, JOURNAL_LABEL, journalName, journalSchema, labelValue, serializeJournal, type Journal } from "../../core/replace/journal.ts";
import { refKey, type ReplaceRef } from "../../core/replace/replace-ref.ts";
import { statusMessage, type KubeHttp } from "../kube/kube-http.ts";

/** A journal as stored, with the resourceVersion its next write must carry (optimistic concurrency). */
export interface StoredJournal {
  readonly journal: Journal;
  readonly resourceVersion: string;
  readonly kind: "ConfigMap" | "Secret";
}

/** Reads and writes journals in the guard's namespace. A write that loses a race (409) returns "conflict": another actor owns the replacement. */
export interface JournalStore {
  read(target: ReplaceRef): Promise<StoredJournal | undefined>;
  create(journal: Journal): Promise<StoredJournal | "conflict">;
  update(stored: StoredJournal, journal: Journal): Promise<StoredJournal | "conflict">;
  remove(target: ReplaceRef): Promise<void>;
}

/** A Secret when the object is one (its values are secret material), else a ConfigMap (issue 14 item 2). */
export function journalKindFor(target: ReplaceRef): "ConfigMap" | "Secret" {
  return target.kind === "Secret" ? "Secret" : "ConfigMap";
}

function bodyOf(namespace: string, kind: "ConfigMap" | "Secret", journal: Journal, resourceVersion?: string): JsonObject {
  const { text, fits } = serializeJournal(journal);
  if (!fits) throw new AppError("ERR_USAGE", `the journal of ${journal.target.kind} ${journal.target.namespace}/${journal.target.name} would exceed the size a ${kind} can hold: not replaced (there would be no way back)`);
  const t = journal.target;
  return {
    apiVersion: "v1",
    kind,
    metadata: {
      name: journalName(t),
      namespace,
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
      labels: {
        "app.kubernetes.io/managed-by": "gitops-guard",
        [JOURNAL_LABEL]: "replace",
        "gitops-guard.io/target-kind": labelValue(t.kind),
        "gitops-guard.io/target-namespace": labelValue(t.namespace),
        "gitops-guard.io/target-name": labelValue(t.name),
        "gitops-guard.io/phase": journal.phase,
      },
      annotations: { "gitops-guard.io/target": refKey(t) },
    },
    ...(kind === "Secret" ? { type: "Opaque", data: { [JOURNAL_KEY]: Buffer.from(text, "utf8").toString("base64") } } : { data: { [JOURNAL_KEY]: text } }),
  };
}

function parseStored(body: unknown, kind: "ConfigMap" | "Secret"): StoredJournal {
  const data = isJsonObject(body) && isJsonObject(body["data"]) ? body["data"][JOURNAL_KEY] : undefined;
  if (typeof data !== "string" || !isJsonObject(body)) throw new AppError("ERR_INTERNAL", `the journal ${kind} has no ${JOURNAL_KEY}`);
  const text = kind === "Secret" ? Buffer.from(data, "base64").toString("utf8") : data;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("ERR_INTERNAL", `the journal ${kind} ${metaString(body, "name") ?? ""} is not JSON`);
  }
  const parsed = journalSchema.safeParse(value);
  if (!parsed.success) throw new AppError("ERR_INTERNAL", `the journal ${kind} ${metaString(body, "name") ?? ""} does not match journal version 1: ${parsed.error.issues[0]?.message ?? ""}`);
  return { journal: parsed.data, resourceVersion: metaString(body, "resourceVersion") ?? "", kind };
}

export function createJournalStore(http: KubeHttp, namespace: string): JournalStore {
  const collection = (kind: "ConfigMap" | "Secret"): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind === "Secret" ? "secrets" : "configmaps"}`;
  const fail = (what: string, r: { status: number; body: unknown }): never => {
    throw new AppError("ERR_KUBE_UNAVAILABLE", `${what} journal: ${statusMessage(r)}`);
  };
  return {
    async read(target) {
      const kind = journalKindFor(target);
      const r = await http.request("GET", `${collection(kind)}/${journalName(target)}`);
      if (r.status === 404) return undefined;
      if (r.status !== 200) return fail("read", r);
      return parseStored(r.body, kind);
    },
    async create(journal) {
      const kind = journalKindFor(journal.target);
      const r = await http.request("POST", collection(kind), { body: bodyOf(namespace, kind, journal) });
      if (r.status === 409) return "conflict";
      if (r.status !== 201 && r.status !== 200) return fail("create", r);
      return parseStored(r.body, kind);
    },
    async update(stored, journal) {
      const r = await http.request("PUT", `${collection(stored.kind)}/${journalName(journal.target)}`, { body: bodyOf(namespace, stored.kind, journal, stored.resourceVersion) });
      if (r.status === 409 || r.status === 404) return "conflict";
      if (r.status !== 200) return fail("update", r);
      return parseStored(r.body, stored.kind);
    },
    async remove(target) {
      const kind = journalKindFor(target);
      const r = await http.request("DELETE", `${collection(kind)}/${journalName(target)}`);
      if (r.status !== 200 && r.status !== 202 && r.status !== 404) fail("delete", r);
    },
  };
}
