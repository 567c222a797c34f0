// What bench/train-speed.ts measures and records: the implementations, the two tasks, and one
// result per model, a cell per (task, implementation). Shared by the driver, its report and its
// results file.
import type { Timing } from "./timing.ts";
import type { ModelSpec } from "./train-models.ts";

/** dnnc's generated module for one CPU target of the registry (src/backend/targets.ts): dnnc-ts, dnnc-wasm, … */
export type DnncImpl = `dnnc-${string}`;
/** What dnnc is compared with, in the order the report lists them. */
export const ANCHORS = ["tfjs-cpu", "tfjs-wasm", "pytorch-1t", "pytorch-2t"] as const;
export type Anchor = (typeof ANCHORS)[number];
export type ImplName = DnncImpl | Anchor;
export const dnncImpl = (target: string): DnncImpl => `dnnc-${target}`;
export const isDnnc = (impl: string): impl is DnncImpl => impl.startsWith("dnnc-");
export const dnncTarget = (impl: DnncImpl): string => impl.slice("dnnc-".length);
export const TASKS = ["step", "forward"] as const;
export type Task = (typeof TASKS)[number];
export const TASK_TITLE: Record<Task, string> = { step: "train step", forward: "inference (forward)" };

export interface Cell {
  /**
   * "cannot": the implementation failed to run the task (TF.js wasm cannot train a convolution);
   * "skipped": not attempted; "unavailable": not installed on this machine (PyTorch), not a failure.
   */
  status: "ok" | "cannot" | "skipped" | "unavailable";
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

/** CPU-time median of impl over that of dnnc's `base` target, for a task: > 1 means dnnc is faster. */
export function ratio(m: ModelResult, task: Task, impl: ImplName, base: DnncImpl): number | undefined {
  const a = m.cells[task][impl]?.timing, d = m.cells[task][base]?.timing;
  return a && d ? a.cpuMedian / d.cpuMedian : undefined;
}

/** The same by wall-clock medians: for PyTorch on two threads, whose CPU time is both threads' sum. */
export function wallRatio(m: ModelResult, task: Task, impl: ImplName, base: DnncImpl): number | undefined {
  const a = m.cells[task][impl]?.timing, d = m.cells[task][base]?.timing;
  return a && d ? a.median / d.median : undefined;
}

/** GFLOP/s of `flops` done in `ms`. */
export const gf = (flops: number, ms: number) => flops / ms / 1e6;

/** One of the targets, as evaluated on a run. */
export interface Target {
  what: string;
  value: number | undefined;
  threshold: number;
  status: "PASS" | "FAIL" | "n/a";
  /**
   * Whether the target is one the measured implementation must meet (--strict fails on it);
   * false: shown for reference (issue 18's targets on the TS target, the baseline they start from).
   */
  binding: boolean;
  /** The value as the report prints it. */
  shown: string;
}
