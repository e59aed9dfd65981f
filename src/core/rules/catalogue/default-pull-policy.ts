import { isJsonObject, type JsonObject, type JsonValue } from "../../k8s/json.ts";

/**
 * The imagePullPolicy SetDefaults_Container gives a container that has none: `Always` when the
 * image tag is `latest` (an image with neither tag nor digest counts as `:latest`,
 * pkg/util/parsers.ParseImageName), otherwise `IfNotPresent`.
 */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  const at = image.indexOf("@");
  const name = at < 0 ? image : image.slice(0, at);
  const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
  const tag = colon >= 0 ? name.slice(colon + 1) : at >= 0 ? "" : "latest";
  return tag === "latest" ? "Always" : "IfNotPresent";
}

/** A pod spec whose containers and init containers without imagePullPolicy get the default one. */
export function withDefaultPullPolicies(spec: JsonObject): JsonObject {
  const out: JsonObject = { ...spec };
  for (const list of ["containers", "initContainers"] as const) {
    const containers = out[list];
    if (!Array.isArray(containers)) continue;
    out[list] = containers.map((container): JsonValue => {
      if (!isJsonObject(container) || typeof container["image"] !== "string") return container;
      const policy = container["imagePullPolicy"];
      if (policy !== undefined && policy !== null && policy !== "") return container;
      return { ...container, imagePullPolicy: defaultPullPolicy(container["image"]) };
    });
  }
  return out;
}
