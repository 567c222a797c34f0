// Pinning a benchmark to one core: the benchmarks compare single-thread code, and a process the
// scheduler moves between CPUs (or shares one with its own JIT threads elsewhere) times worse.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";

/** Set in the pinned child: the CPU it runs on. */
const PINNED = "DNNC_BENCH_PINNED";

/**
 * On Linux with `taskset`, re-runs `script` with `args` pinned to the last CPU and exits with the
 * child's status (so this returns only in the child, or where pinning is unavailable or `skip`).
 * Returns the CPU this process is pinned to, or undefined.
 */
export function pinToOneCpu(script: string, args: string[], skip: boolean): string | undefined {
  if (!skip && !process.env[PINNED] && process.platform === "linux") {
    const probe = spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" });
    if (probe.status === 0) {
      const cpu = String(Math.max(0, cpus().length - 1));
      const r = spawnSync("taskset", ["-c", cpu, process.execPath, ...process.execArgv, script, ...args], {
        stdio: "inherit",
        env: { ...process.env, [PINNED]: cpu },
      });
      process.exit(r.status ?? 1);
    }
  }
  return process.env[PINNED];
}
