import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AppError, ERROR_CODES, exitCodeOf, type ErrorCode } from "../src/errors.ts";

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe("error registry", () => {
  it("names codes ERR_UPPER_SNAKE", () => {
    for (const code of codes) assert.match(code, /^ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  });

  it("maps every code to exactly one HTTP error status and one exit code", () => {
    for (const code of codes) {
      const entry = ERROR_CODES[code];
      assert.deepEqual(Object.keys(entry).sort(), ["exitCode", "httpStatus"], code);
      assert.ok(Number.isInteger(entry.httpStatus) && entry.httpStatus >= 400 && entry.httpStatus <= 599, `${code}: ${entry.httpStatus}`);
      assert.ok(Number.isInteger(entry.exitCode), code);
    }
  });

  it("uses exit codes 2 (usage or input) and 3 (runtime or cluster) only: 0 and 1 belong to check results", () => {
    for (const code of codes) assert.ok([2, 3].includes(ERROR_CODES[code].exitCode), `${code}: ${ERROR_CODES[code].exitCode}`);
  });

  it("pairs client errors (4xx) with exit code 2 and server errors (5xx) with exit code 3", () => {
    for (const code of codes) {
      const { httpStatus, exitCode } = ERROR_CODES[code];
      assert.equal(exitCode, httpStatus < 500 ? 2 : 3, `${code}: ${httpStatus} / ${exitCode}`);
    }
  });
});

describe("AppError", () => {
  for (const code of codes) {
    it(`${code} carries its code, HTTP status and exit code`, () => {
      const cause = new Error("underlying");
      const err = new AppError(code, `something about ${code}`, { cause });
      assert.ok(err instanceof Error);
      assert.equal(err.name, "AppError");
      assert.equal(err.code, code);
      assert.equal(err.message, `something about ${code}`);
      assert.equal(err.httpStatus, ERROR_CODES[code].httpStatus);
      assert.equal(err.exitCode, ERROR_CODES[code].exitCode);
      assert.equal(err.cause, cause);
      assert.equal(exitCodeOf(err), ERROR_CODES[code].exitCode);
      assert.ok(err.stack?.includes("something about"));
    });
  }
});

describe("exitCodeOf", () => {
  it("is 3 (runtime error) for anything that is not an AppError", () => {
    for (const thrown of [new Error("boom"), new TypeError("x"), "a string", 42, undefined, null, { code: "ERR_USAGE", exitCode: 2 }]) {
      assert.equal(exitCodeOf(thrown), 3, String(thrown));
    }
  });

  it("is 2 for usage and input errors", () => {
    assert.equal(exitCodeOf(new AppError("ERR_USAGE", "missing --before")), 2);
    assert.equal(exitCodeOf(new AppError("ERR_MANIFEST_INVALID", "bad yaml")), 2);
  });

  it("is 3 for cluster and TLS errors", () => {
    assert.equal(exitCodeOf(new AppError("ERR_KUBE_UNAVAILABLE", "connection refused")), 3);
    assert.equal(exitCodeOf(new AppError("ERR_TLS", "no key")), 3);
  });
});
