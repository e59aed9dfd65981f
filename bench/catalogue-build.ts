/**
 * How long building the catalogue for a release takes (catalogueFor), and judging the whole
 * conformance corpus with it: serve rebuilds the catalogue on every policy, CRD or release change,
 * check once per run. `node bench/catalogue-build.ts` (pinned Node on PATH); prints medians of 9
 * runs. Seconds, not minutes.
 */
import { catalogueFor } from "../src/core/rules/catalogue-for.ts";
import { findFindings } from "../src/core/rules/find-findings.ts";
import { knownReleases, formatRelease } from "../src/core/kube/kube-release.ts";
import { kubeTarget } from "../src/core/kube/kube-target.ts";
import { conformancePairs } from "../test/support/conformance-pairs.ts";

const RUNS = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const pairs = conformancePairs();
for (const release of knownReleases()) {
  const build: number[] = [];
  const judge: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = process.hrtime.bigint();
    const catalogue = catalogueFor(kubeTarget(release, "default"));
    build.push(ms(t0));
    const t1 = process.hrtime.bigint();
    for (const pair of pairs) findFindings(catalogue, { old: pair.old, new: pair.new, ...(pair.header.subresource ? { subresource: pair.header.subresource } : {}) });
    judge.push(ms(t1));
  }
  console.log(`${formatRelease(release)}: catalogueFor ${median(build).toFixed(2)} ms; ${pairs.length} corpus pairs judged in ${median(judge).toFixed(1)} ms (${(median(judge) / pairs.length * 1000).toFixed(0)} µs per pair)`);
}
