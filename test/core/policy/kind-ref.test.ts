import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseKindRef } from "../../../src/core/policy/kind-ref.ts";

describe("parseKindRef", () => {
  it("reads `Kind` as any group and `Kind.group` as that group, split at the first dot", () => {
    assert.deepEqual(parseKindRef("Deployment"), { kind: "Deployment", group: undefined });
    assert.deepEqual(parseKindRef("Deployment.apps"), { kind: "Deployment", group: "apps" });
    assert.deepEqual(parseKindRef("Lease.coordination.k8s.io"), { kind: "Lease", group: "coordination.k8s.io" });
  });
});
