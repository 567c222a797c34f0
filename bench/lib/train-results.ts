// What bench/train-speed.ts measures and records: the implementations, the two tasks, and one
// result per model, a cell per (task, implementation). Shared by the driver, its report and its
// results file.
import type { Timing } from "./timing.ts";
import type { ModelSpec } from "./train-models.ts";

export const IMPLS = ["dnnc", "tfjs-cpu", "tfjs-wasm"] as const;
export type ImplName = (typeof IMPLS)[number];
export const TASKS = ["step", "forward"] as const;
export type Task = (typeof TASKS)[number];
export const TASK_TITLE: Record<Task, string> = { step: "train step", forward: "inference (forward)" };

export interface Cell {
  /** "cannot": the implementation failed to run the task (TF.js wasm cannot train a convolution); "skipped": not attempted. */
  status: "ok" | "cannot" | "skipped";
  reason?: string;
  timing?: Timing;
  /** A training step's losses, warm-up calls included, in order. */
  losses?: number[];
}

export interface ModelResult {
  spec: ModelSpec;
  className: string;
  compileMs: number;
  /** Matrix-product FLOPs of a forward pass and of a training step. */
  flops: { forward: number; step: number };
  cells: Record<Task, Partial<Record<ImplName, Cell>>>;
}

/** CPU-time median of impl over dnnc's, for a task: > 1 means dnnc is faster. */
export function ratio(m: ModelResult, task: Task, impl: ImplName): number | undefined {
  const a = m.cells[task][impl]?.timing, d = m.cells[task].dnnc?.timing;
  return a && d ? a.cpuMedian / d.cpuMedian : undefined;
}

/** GFLOP/s of `flops` done in `ms`. */
export const gf = (flops: number, ms: number) => flops / ms / 1e6;

/** One of the targets, as evaluated on a run. */
export interface Target {
  what: string;
  value: number | undefined;
  threshold: number;
  status: "PASS" | "FAIL" | "n/a";
  /** The value as the report prints it. */
  shown: string;
}
