// A script run in a fresh Node process, timed by wall clock and (on Linux) by its CPU time, once
// or as a series (check-speed.ts times the command and tsc this way).
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { performance } from "node:perf_hooks";
import { childCpu, quantile } from "./timing.ts";

/** `node SCRIPT …args` in a fresh process, in `cwd`: wall time and, on Linux, its CPU time. */
export function runNode(cwd: string, script: string, argv: string[]): { ms: number; cpuMs?: number; status: number | null; stderr: string } {
  const c0 = childCpu();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...argv], { cwd, encoding: "utf8" });
  const ms = performance.now() - t0;
  const c1 = childCpu();
  return { ms, cpuMs: c0 === undefined || c1 === undefined ? undefined : c1 - c0, status: r.status, stderr: r.stderr + r.stdout };
}

/** `[script, ...args]` run `n` times in fresh processes; each must succeed, or `fail` is called. */
export function freshSeries(cwd: string, [script, ...argv]: string[], n: number, fail: (message: string) => never) {
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = runNode(cwd, script!, argv);
    if (r.status !== 0) fail(`\`${relative(cwd, script!)} ${argv.join(" ")}\` exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
    runs.push(r.ms);
    if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
  }
  return { first: runs[0]!, median: quantile(runs, 0.5), runs, cpuMedian: cpu.length ? quantile(cpu, 0.5) : null, cpuRuns: cpu };
}
