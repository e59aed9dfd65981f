import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/run-cli.ts";

describe("gitops-guard watch (flags)", () => {
  it("refuses lease timings client-go would refuse, and bad URLs, with exit 2 before connecting anywhere", async () => {
    const cases: [string[], RegExp][] = [
      [["watch", "--lease-duration", "10", "--renew-deadline", "10"], /--lease-duration: the lease duration must be longer than the renew deadline/],
      [["watch", "--renew-deadline", "2", "--retry-period", "2"], /1\.2 × the retry period/],
      [["watch", "--flux-events-url", "not a url"], /--flux-events-url/],
      [["watch", "--resync", "0"], /--resync/],
    ];
    for (const [argv, pattern] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.match(r.stderr, pattern, argv.join(" "));
    }
  });

  it("documents its flags in --help", async () => {
    const r = await runCli(["watch", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of ["--lease-duration", "--renew-deadline", "--retry-period", "--resync", "--flux-events-url", "--webhook-url", "--records", "--stuck-after", "--escalate-after"]) {
      assert.match(r.stdout, new RegExp(flag));
    }
  });
});
