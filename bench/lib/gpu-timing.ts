// Timing of bench/gpu-speed.ts: the implementations' steps interleaved, one of each per round, so
// that on a shared machine (and lavapipe runs on the CPUs the other tenants use) a burst of load
// falls on both sides alike rather than on whichever was being timed at that moment.
import { performance } from "node:perf_hooks";
import { countsSince, gpuCounts, type Counts } from "./gpu-device.ts";
import { quantile } from "./timing.ts";

export interface GpuPolicy {
  /** Warm-up rounds after the first call: at least one, more while under warmupMs, at most maxWarmup. */
  warmupMs: number;
  maxWarmup: number;
  minReps: number;
  maxReps: number;
  /** Stop timing after this much wall time (once minReps rounds are done). */
  budgetMs: number;
}

export interface StepTiming {
  /** The first call: shaders compiled and pipelines built. */
  firstMs: number;
  warmupMs: number[];
  samplesMs: number[];
  median: number;
  p90: number;
  losses: number[];
  /** GPU calls of each timed step. */
  counts: Counts[];
}

/** A training step that returns the loss. */
export type Step = () => Promise<number>;

/** Times every step: the first calls one after another, then warm-up and timed rounds interleaved. */
export async function timeInterleaved(steps: readonly Step[], p: GpuPolicy): Promise<StepTiming[]> {
  const r = steps.map(() => ({ firstMs: 0, warmupMs: [] as number[], samplesMs: [] as number[], losses: [] as number[], counts: [] as Counts[] }));
  const call = async (i: number) => {
    const c0 = gpuCounts();
    const t0 = performance.now();
    r[i]!.losses.push(await steps[i]!());
    const ms = performance.now() - t0;
    r[i]!.counts.push(countsSince(c0));
    return ms;
  };
  for (let i = 0; i < steps.length; i++) r[i]!.firstMs = await call(i);
  const w0 = performance.now();
  do for (let i = 0; i < steps.length; i++) r[i]!.warmupMs.push(await call(i));
  while (r[0]!.warmupMs.length < p.maxWarmup && performance.now() - w0 < p.warmupMs);
  const t0 = performance.now();
  let reps = 0;
  while (reps < p.minReps || (reps < p.maxReps && performance.now() - t0 < p.budgetMs)) {
    for (let i = 0; i < steps.length; i++) r[i]!.samplesMs.push(await call(i));
    reps++;
  }
  return r.map((x) => ({ ...x, median: quantile(x.samplesMs, 0.5), p90: quantile(x.samplesMs, 0.9), counts: x.counts.slice(-reps) }));
}
