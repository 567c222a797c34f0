// The matmul ceilings of bench/train-speed.ts: a matrix-product kernel timed on given shapes, alone
// and as the whole list of a training step's products, so dnnc's achieved rate can be set against
// the best that is reached on the same work. Two kernels: bench/lib/matmul.ts, the best scalar
// JavaScript (jsKernel, here), and TF.js wasm's own matMul, XNNPACK in WebAssembly SIMD
// (bench/lib/wasm-ceiling.ts).
import { matmul } from "./matmul.ts";
import { measure, type Policy } from "./timing.ts";
import { gemmFlops, sumFlops, type Gemm, type StepGemms } from "./train-models.ts";
import { gf, type DnncImpl, type ModelResult } from "./train-results.ts";

/** Which ceiling: plain JavaScript, or WebAssembly SIMD. */
export type CeilingKind = "js" | "wasm";

/**
 * A matrix-product kernel for one shape: sets up its operands (outside the timing) and returns the
 * call to time, and what frees the operands when the timing is done.
 */
export type GemmKernel = (g: Gemm) => { run: () => void; dispose?: () => void };

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

/** Random operands A (M×K) and B (K×N) in [-0.5, 0.5), the same every run. */
export function randomOperands(g: Gemm): { A: Float32Array; B: Float32Array } {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  return { A: Float32Array.from({ length: g.M * g.K }, rand), B: Float32Array.from({ length: g.K * g.N }, rand) };
}

/** bench/lib/matmul.ts: packing both operands is part of every call. */
export const jsKernel: GemmKernel = (g) => {
  const { A, B } = randomOperands(g);
  const C = new Float32Array(g.M * g.N);
  return { run: () => matmul(A, B, C, g.M, g.K, g.N) };
};

/** `kernel` on one shape. */
export async function timeGemm(g: Gemm, policy: Policy, kernel: GemmKernel = jsKernel): Promise<GemmTiming> {
  const k = kernel(g);
  try {
    const t = await measure(k.run, policy);
    const flops = gemmFlops(g);
    return { ...g, flops, medianMs: t.median, cpuMedianMs: t.cpuMedian, gflops: flops / t.cpuMedian / 1e6, reps: t.reps };
  } finally {
    k.dispose?.();
  }
}

/** The ceiling on exactly a step's products: forward, then backward. */
export async function timeStepCeiling({ forward, backward }: StepGemms, policy: Policy, kernel: GemmKernel = jsKernel): Promise<ModelCeiling> {
  const gemms: GemmTiming[] = [];
  for (const g of [...forward, ...backward]) gemms.push(await timeGemm(g, policy, kernel));
  const flops = sumFlops(gemms);
  const ms = gemms.reduce((a, g) => a + g.cpuMedianMs, 0);
  return { gemms, flops, forwardFlops: sumFlops(forward), ms, gflops: flops / ms / 1e6 };
}

/** One dnnc target's training step set against one of its model's ceilings (JSON key order as in the results file). */
export interface AgainstCeiling {
  impl: DnncImpl;
  model: string;
  ceiling: CeilingKind;
  stepFlops: number;
  dnncMs?: number;
  dnncGflops?: number;
  ceilingGflops: number;
  /** dnnc's GFLOP/s over the ceiling's. */
  fraction?: number;
}

export function againstCeiling(m: ModelResult, impl: DnncImpl, kind: CeilingKind, c: ModelCeiling): AgainstCeiling {
  const t = m.cells.step[impl]?.timing;
  const g = t ? gf(m.flops.step, t.cpuMedian) : undefined;
  return { impl, model: m.spec.key, ceiling: kind, stepFlops: m.flops.step, dnncMs: t?.cpuMedian, dnncGflops: g, ceilingGflops: c.gflops, fraction: g === undefined ? undefined : g / c.gflops };
}
