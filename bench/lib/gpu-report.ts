// The table of bench/gpu-speed.ts: per model and implementation, the step's time and what it asked
// of the GPU. Formatting only.
import type { Counts } from "./gpu-device.ts";
import { fmtMs, fmtRatio } from "./report.ts";
import type { StepTiming } from "./gpu-timing.ts";
import { quantile } from "./timing.ts";

export type GpuImpl = "dnnc-wgsl" | "tfjs-webgpu";
export const GPU_IMPLS: readonly GpuImpl[] = ["dnnc-wgsl", "tfjs-webgpu"];

export type GpuCell =
  | ({ status: "ok" } & StepTiming)
  | { status: "cannot"; reason: string };

export interface GpuModelResult {
  key: string;
  title: string;
  cells: Partial<Record<GpuImpl, GpuCell>>;
}

/** Each count over the timed steps: the median, and the range where steps differed. */
export function perStep(counts: readonly Counts[], key: keyof Counts): { median: number; min: number; max: number } {
  const xs = counts.map((c) => c[key]);
  return { median: quantile(xs, 0.5), min: Math.min(...xs), max: Math.max(...xs) };
}

const countCell = (c: { median: number; min: number; max: number }) => (c.min === c.max ? `${c.min}` : `${c.median} (${c.min}–${c.max})`);

export function timingOf(m: GpuModelResult, impl: GpuImpl): StepTiming | undefined {
  const c = m.cells[impl];
  return c?.status === "ok" ? c : undefined;
}

/** TF.js's median over dnnc's (> 1: dnnc is faster). */
export function gpuRatio(m: GpuModelResult): number | undefined {
  const d = timingOf(m, "dnnc-wgsl"), t = timingOf(m, "tfjs-webgpu");
  return d && t ? t.median / d.median : undefined;
}

export function gpuTable(results: readonly GpuModelResult[]): string {
  const header = ["model", "impl", "first ms", "reps", "median ms", "p90 ms", "dispatches", "submits", "readbacks", "TF.js/dnnc"];
  const right = [false, false, true, true, true, true, true, true, true, true];
  const rows: string[][] = [];
  for (const m of results) {
    let first = true;
    for (const impl of GPU_IMPLS) {
      const c = m.cells[impl];
      if (!c) continue;
      const head = [first ? m.title : "", impl];
      first = false;
      if (c.status !== "ok") {
        rows.push([...head, `cannot run: ${c.reason}`]);
        continue;
      }
      const q = gpuRatio(m);
      const ratio = impl === "dnnc-wgsl" ? "1" : q === undefined ? "" : fmtRatio(q);
      rows.push([...head, fmtMs(c.firstMs), `${c.samplesMs.length}`, fmtMs(c.median), fmtMs(c.p90), ...(["dispatches", "submits", "readbacks"] as const).map((k) => countCell(perStep(c.counts, k))), ratio]);
    }
  }
  // A short row ends in a note that may overflow; its other cells count.
  const counts = (r: string[], i: number) => r.length === header.length || i < r.length - 1;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => counts(r, i)).map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 && r.length < header.length ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return ["  " + line(header), "  " + widths.map((w) => "─".repeat(w)).join("  "), ...rows.map((r) => "  " + line(r))].join("\n");
}
