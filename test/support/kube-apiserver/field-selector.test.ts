import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFieldSelector } from "./field-selector.ts";
import { StatusError } from "./status-error.ts";

const EVENT = { metadata: { name: "e1", namespace: "default" }, involvedObject: { kind: "Job", name: "a,b" }, source: { component: "kubelet" } };

describe("parseFieldSelector", () => {
  it("matches metadata.name and metadata.namespace with =, == and !=", () => {
    assert.equal(parseFieldSelector("metadata.name=e1", {})(EVENT), true);
    assert.equal(parseFieldSelector("metadata.name==e2", {})(EVENT), false);
    assert.equal(parseFieldSelector("metadata.namespace!=kube-system,metadata.name=e1", {})(EVENT), true);
  });

  it("maps resource field labels to object paths and honours backslash escapes", () => {
    const fields = { "involvedObject.name": "involvedObject.name", source: "source.component" };
    assert.equal(parseFieldSelector("source=kubelet", fields)(EVENT), true);
    assert.equal(parseFieldSelector(String.raw`involvedObject.name=a\,b`, fields)(EVENT), true);
  });

  it("refuses a label the resource does not support with 400 'field label not supported'", () => {
    assert.throws(() => parseFieldSelector("spec.nodeName=n1", {}),
      (error: unknown) => error instanceof StatusError && error.code === 400 && error.message === "field label not supported: spec.nodeName");
  });
});
