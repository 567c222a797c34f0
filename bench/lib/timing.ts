// Timing for the benchmarks: process CPU time, quantiles, and measure(), which warms a call up and
// then repeats it as often as a policy allows. Every timed call is measured twice, by wall clock
// and by process CPU time: on a shared machine the wall time also counts the other tenants.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** How many times measure() calls a function, and for how long. */
export interface Policy {
  /** Keep warming up (beyond the first call) until this much time has passed… */
  warmupMs: number;
  /** …or this many warm-up calls were made. */
  maxWarmup: number;
  minReps: number;
  maxReps: number;
  /** Stop timing after this much wall time (once minReps are done). */
  budgetMs: number;
}

export interface Timing {
  warmup: number;
  warmupMs: number[];
  reps: number;
  wallMs: number[];
  cpuMs: number[];
  median: number;
  p90: number;
  cpuMedian: number;
  cpuP90: number;
}

/** The process's CPU time so far (user + system, every thread), in ms. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU time of this process's finished children (Linux: cutime + cstime), in ms; undefined elsewhere. */
export function childCpu(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // fields 16, 17, in ticks of 1/100 s
  } catch {
    return undefined;
  }
}

/** The q-quantile of xs (0.5: the median), interpolating linearly between neighbours. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

/**
 * Times fn (awaited, so async calls count whole): warm-up calls first (at least one, more while
 * under p.warmupMs, at most p.maxWarmup), then timed calls until p.maxReps or p.budgetMs, never
 * fewer than p.minReps. afterWarmup runs between the two (e.g. to count live tensors).
 */
export async function measure(fn: () => unknown, p: Policy, afterWarmup?: () => void): Promise<Timing> {
  const warmupMs: number[] = [];
  const w0 = performance.now();
  do {
    const t0 = performance.now();
    await fn();
    warmupMs.push(performance.now() - t0);
  } while (warmupMs.length < p.maxWarmup && performance.now() - w0 < p.warmupMs);
  afterWarmup?.();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  const start = performance.now();
  while (wallMs.length < p.minReps || (wallMs.length < p.maxReps && performance.now() - start < p.budgetMs)) {
    const c0 = cpuNow();
    const t0 = performance.now();
    await fn();
    wallMs.push(performance.now() - t0);
    cpuMs.push(cpuNow() - c0);
  }
  return {
    warmup: warmupMs.length,
    warmupMs,
    reps: wallMs.length,
    wallMs,
    cpuMs,
    median: quantile(wallMs, 0.5),
    p90: quantile(wallMs, 0.9),
    cpuMedian: quantile(cpuMs, 0.5),
    cpuP90: quantile(cpuMs, 0.9),
  };
}
