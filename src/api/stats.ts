// What a compiled model's functions cost once fused (`dnnc compile` prints it): primitives,
// kernels, arithmetic, memory traffic and peak memory, every symbolic size at one value.
import type { CompiledModel } from "../model.ts";
import type { Fn } from "../ir/ir.ts";
import { evalDim, symbolsOf } from "../ir/dim.ts";
import { size } from "../ir/shape.ts";
import { fuse } from "../schedule/fuse.ts";
import { scheduleStats } from "../schedule/stats.ts";

/** One function's cost, at `CompileOptions.batch` for every symbolic size. */
export interface FunctionStats {
  /** IR primitives after simplification. */
  primitives: number;
  /** Kernels they are fused into (one generated function or shader each). */
  kernels: number;
  flops: number;
  /** Bytes read and written by the kernels. */
  bytesMoved: number;
  /** The planned workspace (intermediate values) and the arguments (inputs, parameters, states). Peak memory is their sum. */
  workspaceBytes: number;
  argumentBytes: number;
}

export interface ModelStats {
  /** Every symbolic size and the value it took (`{ B: 64 }`); empty when the model has none. */
  sizes: Record<string, number>;
  /** Numbers of parameters, trainable or not. */
  parameters: number;
  forward: FunctionStats;
  /** With a train block. */
  trainStep?: FunctionStats;
}

export function modelStats(m: CompiledModel, batch: number): ModelStats {
  const fns = [m.forward, ...(m.train ? [m.train.fn] : [])];
  const sizes = Object.fromEntries([...new Set(fns.flatMap((f) => f.args.flatMap((a) => a.shape.flatMap((d) => symbolsOf(d)))))].map((x) => [x, batch]));
  const stats = (f: Fn): FunctionStats => {
    const s = scheduleStats(fuse(f), sizes);
    return { primitives: s.primitives, kernels: s.kernels, flops: s.flops, bytesMoved: s.bytesMoved, workspaceBytes: s.arenaBytes, argumentBytes: s.argumentBytes };
  };
  const out: ModelStats = { sizes, parameters: m.params.reduce((acc, p) => acc + (evalDim(size(p.shape), {}) ?? 0), 0), forward: stats(m.forward) };
  if (m.train) out.trainStep = stats(m.train.fn);
  return out;
}
