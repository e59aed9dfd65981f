/**
 * Preloaded into a benchmarked child (`node --import bench/report-cpu.ts …`): at exit it writes the
 * process's CPU time (user + system, every thread: getrusage RUSAGE_SELF) to standard error as
 * `gitops-guard-bench-cpu-ms: N`. CPU time is what a check costs; wall time on a shared machine
 * also counts the time other processes held the cores.
 */
import { writeSync } from "node:fs";

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `gitops-guard-bench-cpu-ms: ${((user + system) / 1000).toFixed(0)}\n`);
});
