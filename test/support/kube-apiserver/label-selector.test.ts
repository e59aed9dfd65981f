import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLabelSelector } from "./label-selector.ts";
import { StatusError } from "./status-error.ts";

const WEB = { app: "web", tier: "front", "app.kubernetes.io/version": "3" };

describe("parseLabelSelector", () => {
  const cases: Array<[string, boolean]> = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app=api", false],
    ["app!=api", true],
    ["missing!=x", true], // != selects objects without the label
    ["app in (api, web)", true],
    ["app notin (web)", false],
    ["missing notin (web)", true],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["app=web,tier=back", false],
    ["app in (web,api),tier", true],
    ["app.kubernetes.io/version>2", true],
    ["app.kubernetes.io/version<3", false],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} ${expected ? "selects" : "rejects"} ${JSON.stringify(WEB)}`, () => {
      assert.equal(parseLabelSelector(selector)(WEB), expected);
    });
  }

  it("throws a 400 StatusError for a malformed selector", () => {
    assert.throws(() => parseLabelSelector("app=(web"), (error: unknown) => error instanceof StatusError && error.code === 400);
  });
});
