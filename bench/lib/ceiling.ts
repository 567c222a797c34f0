// The plain-JavaScript matmul ceiling of bench/train-speed.ts: bench/lib/matmul.ts timed on given
// shapes, alone and as the whole list of a training step's products back to back, so dnnc's
// achieved rate can be set against the best that scalar JavaScript reaches on the same work.
import { matmul } from "./matmul.ts";
import { measure, type Policy } from "./timing.ts";
import { gemmFlops, sumFlops, type Gemm, type StepGemms } from "./train-models.ts";
import { gf, type ModelResult } from "./train-results.ts";

export interface GemmTiming extends Gemm {
  flops: number;
  medianMs: number;
  cpuMedianMs: number;
  /** From the CPU-time median. */
  gflops: number;
  reps: number;
}

/** A training step's products, each timed on its own; ms is the sum of their CPU-time medians. */
export interface ModelCeiling {
  gemms: GemmTiming[];
  flops: number;
  forwardFlops: number;
  ms: number;
  gflops: number;
}

/** matmul() on one shape, random operands (the same every run). */
export async function timeGemm(g: Gemm, policy: Policy): Promise<GemmTiming> {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const A = Float32Array.from({ length: g.M * g.K }, rand);
  const B = Float32Array.from({ length: g.K * g.N }, rand);
  const C = new Float32Array(g.M * g.N);
  const t = await measure(() => matmul(A, B, C, g.M, g.K, g.N), policy);
  const flops = gemmFlops(g);
  return { ...g, flops, medianMs: t.median, cpuMedianMs: t.cpuMedian, gflops: flops / t.cpuMedian / 1e6, reps: t.reps };
}

/** The ceiling on exactly a step's products: forward, then backward. */
export async function timeStepCeiling({ forward, backward }: StepGemms, policy: Policy): Promise<ModelCeiling> {
  const gemms: GemmTiming[] = [];
  for (const g of [...forward, ...backward]) gemms.push(await timeGemm(g, policy));
  const flops = sumFlops(gemms);
  const ms = gemms.reduce((a, g) => a + g.cpuMedianMs, 0);
  return { gemms, flops, forwardFlops: sumFlops(forward), ms, gflops: flops / ms / 1e6 };
}

/** dnnc's training step set against its model's ceiling (JSON key order as in the results file). */
export interface AgainstCeiling {
  model: string;
  stepFlops: number;
  dnncMs?: number;
  dnncGflops?: number;
  ceilingGflops: number;
  /** dnnc's GFLOP/s over the ceiling's. */
  fraction?: number;
}

export function againstCeiling(m: ModelResult, c: ModelCeiling): AgainstCeiling {
  const t = m.cells.step.dnnc?.timing;
  const g = t ? gf(m.flops.step, t.cpuMedian) : undefined;
  return { model: m.spec.key, stepFlops: m.flops.step, dnncMs: t?.cpuMedian, dnncGflops: g, ceilingGflops: c.gflops, fraction: g === undefined ? undefined : g / c.gflops };
}
