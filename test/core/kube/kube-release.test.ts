import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatRelease, knownReleases, nearestKnownRelease, parseRelease, releaseOfVersionInfo } from "../../../src/core/kube/kube-release.ts";

describe("parseRelease", () => {
  it("reads plain, v-prefixed, patch and managed-cluster git versions", () => {
    for (const [text, minor] of [["1.37", 37], ["v1.33", 33], ["v1.36.4", 36], ["v1.36.4-gke.1200", 36], ["v1.35.6-eks-3025e55", 35], ["v1.37.0+k3s1", 37], [" 1.34 ", 34]] as const) {
      assert.deepEqual(parseRelease(text), { major: 1, minor }, text);
    }
  });

  it("refuses what is not a Kubernetes 1.x release, and over-long text", () => {
    for (const text of ["", "1", "2.1", "v1", "1.x", "latest", "1.37.", `1.37-${"a".repeat(80)}`]) assert.equal(parseRelease(text), undefined, text);
  });
});

describe("releaseOfVersionInfo (discovery /version)", () => {
  it("prefers gitVersion, then major/minor with a provider's trailing +", () => {
    assert.deepEqual(releaseOfVersionInfo({ major: "1", minor: "30", gitVersion: "v1.37.2" }), { major: 1, minor: 37 });
    assert.deepEqual(releaseOfVersionInfo({ major: "1", minor: "36+" }), { major: 1, minor: 36 });
    assert.equal(releaseOfVersionInfo({ gitVersion: "unknown" }), undefined);
  });
});

describe("known releases", () => {
  it("are 1.33 to 1.37, and other releases are judged as the nearest", () => {
    assert.deepEqual(knownReleases().map(formatRelease), ["1.33", "1.34", "1.35", "1.36", "1.37"]);
    assert.equal(formatRelease(nearestKnownRelease({ major: 1, minor: 29 })), "1.33");
    assert.equal(formatRelease(nearestKnownRelease({ major: 1, minor: 38 })), "1.37");
  });
});
