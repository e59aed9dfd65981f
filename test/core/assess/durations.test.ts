import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { goDurationSeconds } from "../../../src/core/assess/go-duration.ts";
import { isoDuration, shortDuration } from "../../../src/core/assess/iso-duration.ts";
import { helmReleaseTimeout, kustomizationTimeout } from "../../../src/core/assess/flux-timeouts.ts";
import { DEFAULT_THRESHOLDS, thresholdsFor } from "../../../src/core/assess/thresholds.ts";

describe("durations", () => {
  it("parses Go durations as Flux writes them", () => {
    assert.equal(goDurationSeconds("5m"), 300);
    assert.equal(goDurationSeconds("1h30m"), 5400);
    assert.equal(goDurationSeconds("9m30.5s"), 570.5);
    assert.equal(goDurationSeconds("500ms"), 0.5);
    assert.equal(goDurationSeconds("0"), 0);
    assert.equal(goDurationSeconds("5 minutes"), undefined);
    assert.equal(goDurationSeconds(""), undefined);
  });

  it("writes ISO 8601 durations for stuckFor", () => {
    assert.equal(isoDuration(420), "PT7M");
    assert.equal(isoDuration(3930), "PT1H5M30S");
    assert.equal(isoDuration(0), "PT0S");
    assert.equal(isoDuration(86400 * 2 + 3600 * 3), "P2DT3H");
    assert.equal(isoDuration(86400), "P1D");
    assert.equal(shortDuration(420), "7m");
  });

  it("derives Flux's timeouts: Kustomization interval − 30 s (≥ 30 s) unless set, HelmRelease 5 m", () => {
    assert.equal(kustomizationTimeout({ interval: "10m" }), 570);
    assert.equal(kustomizationTimeout({ interval: "45s" }), 30);
    assert.equal(kustomizationTimeout({ interval: "10m", timeout: "2m" }), 120);
    assert.equal(helmReleaseTimeout(undefined), 300);
    assert.equal(helmReleaseTimeout({ timeout: "15m" }), 900);
  });

  it("defaults: stuck after 5 minutes, escalated after 30; the first matching override wins", () => {
    assert.deepEqual(DEFAULT_THRESHOLDS, { stuckAfterSeconds: 300, escalateAfterSeconds: 1800 });
    const overrides = [{ kinds: ["HelmRelease"], namespaces: ["data"], stuckAfterSeconds: 1200 }, { namespaces: ["data"], slowAfterSeconds: 60 }];
    assert.equal(thresholdsFor(DEFAULT_THRESHOLDS, overrides, "HelmRelease", "data").stuckAfterSeconds, 1200);
    assert.deepEqual(thresholdsFor(DEFAULT_THRESHOLDS, overrides, "Kustomization", "data"), { stuckAfterSeconds: 300, escalateAfterSeconds: 1800, slowAfterSeconds: 60 });
    assert.equal(thresholdsFor(DEFAULT_THRESHOLDS, overrides, "Kustomization", "web"), DEFAULT_THRESHOLDS);
  });
});
