import type { JsonObject } from "../../../src/core/k8s/json.ts";
import type { FieldError } from "./invalid-error.ts";
import { metaString } from "./object-metadata.ts";
import type { ResourceType } from "./resource-type.ts";

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain / IsDNS1123Label, with their messages.
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/**
 * ObjectMeta checks every create gets (ValidateObjectMeta): a name is required, and must be a
 * DNS-1123 subdomain (≤ 253 characters), or a DNS-1123 label (≤ 63) for Namespaces.
 * Label/annotation syntax and other per-kind validation are not simulated: add a validator.
 */
export function validateObjectMeta(resource: ResourceType, obj: JsonObject): FieldError[] {
  const name = metaString(obj, "name");
  if (name === "") return [{ type: "FieldValueRequired", field: "metadata.name", detail: "name or generateName is required" }];
  const isNamespace = resource.group === "" && resource.plural === "namespaces";
  const [pattern, max, message] = isNamespace ? [LABEL, 63, LABEL_MESSAGE] : [SUBDOMAIN, 253, SUBDOMAIN_MESSAGE];
  if (name.length > max) {
    return [{ type: "FieldValueInvalid", field: "metadata.name", value: name, detail: `must be no more than ${max} characters` }];
  }
  if (!pattern.test(name)) return [{ type: "FieldValueInvalid", field: "metadata.name", value: name, detail: message }];
  return [];
}
