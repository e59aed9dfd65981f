import { createServer } from "node:https";
import { isJsonObject, type JsonObject } from "../../../src/core/k8s/json.ts";
import { testTls } from "../webhook-server.ts";

/** The annotation the injector puts on pod templates. */
export const INJECTED_ANNOTATION = "sidecar.example.com/injected";

/** A running third-party mutating webhook. */
export interface SidecarInjector {
  /** "https://127.0.0.1:<port>". */
  readonly url: string;
  readonly ca: string;
  /** How many AdmissionReviews it answered. */
  calls(): number;
  close(): Promise<void>;
}

function templateAnnotations(object: JsonObject | undefined): JsonObject | undefined {
  const spec = object?.["spec"];
  const template = isJsonObject(spec) ? spec["template"] : undefined;
  const metadata = isJsonObject(template) ? template["metadata"] : undefined;
  const annotations = isJsonObject(metadata) ? metadata["annotations"] : undefined;
  return isJsonObject(annotations) ? annotations : undefined;
}

function answer(review: unknown): JsonObject {
  const request = isJsonObject(review) && isJsonObject(review["request"]) ? review["request"] : {};
  const object = isJsonObject(request["object"]) ? request["object"] : undefined;
  const response: JsonObject = { uid: String(request["uid"] ?? ""), allowed: true };
  const annotations = templateAnnotations(object);
  if (object !== undefined && annotations?.[INJECTED_ANNOTATION] !== "true") {
    const patch = annotations === undefined
      ? [{ op: "add", path: "/spec/template/metadata/annotations", value: { [INJECTED_ANNOTATION]: "true" } }]
      : [{ op: "add", path: `/spec/template/metadata/annotations/${INJECTED_ANNOTATION.replace("/", "~1")}`, value: "true" }];
    response["patch"] = Buffer.from(JSON.stringify(patch)).toString("base64");
    response["patchType"] = "JSONPatch";
  }
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response };
}

/**
 * A stand-in for a third-party mutating webhook (a sidecar injector) on https://127.0.0.1: it
 * annotates a Deployment's pod template once (idempotent: no patch when the annotation is there).
 * Serves POST /inject with the same test CA as gitops-guard's test server. Not gitops-guard code.
 */
export async function startSidecarInjector(): Promise<SidecarInjector> {
  const tls = await testTls();
  let count = 0;
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      count++;
      const body = JSON.stringify(answer(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      res.writeHead(200, { "Content-Type": "application/json" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    ca: tls.ca,
    calls: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
