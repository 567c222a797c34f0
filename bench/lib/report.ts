// The text report of bench/train-speed.ts: the timings table, the matmul ceiling, dnnc's step
// against the ceiling, and the targets. Formatting only; the numbers are computed elsewhere.
import type { AgainstCeiling, GemmTiming, ModelCeiling } from "./ceiling.ts";
import type { WasmInfo } from "./tfjs-backends.ts";
import { TASK_TITLE, TASKS, gf, ratio, type ImplName, type ModelResult, type Target } from "./train-results.ts";

export const fmtMs = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const fmtRatio = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + "×";
export const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

/** Which TensorFlow.js ran, and which wasm binary. */
export function tfjsLine(version: string | undefined, wasm: WasmInfo | undefined): string {
  return `TensorFlow.js ${version ?? "(not loaded)"}${wasm ? `; wasm backend: ${wasm.binary ?? "?"} (${wasm.bytes?.toLocaleString("en-US") ?? "?"} bytes, from ${wasm.files}/), SIMD ${wasm.simd ? "yes" : "no"}, multithread support ${wasm.multithread ? "yes" : "no"}, threads ${wasm.threads}` : ""}`;
}

/** Every (model, task, implementation) measured: reps, wall and CPU times, GFLOP/s, the ratio to dnnc. */
export function resultsTable(results: readonly ModelResult[], impls: readonly ImplName[]): string {
  const header = ["model", "task", "impl", "reps", "median ms", "p90 ms", "CPU ms", "GFLOP/s", "impl/dnnc"];
  const rows: string[][] = [];
  for (const m of results) {
    for (const task of TASKS) {
      const flops = task === "step" ? m.flops.step : m.flops.forward;
      for (const impl of impls) {
        const c = m.cells[task][impl];
        const head = [impl === impls[0] ? (task === "step" ? m.spec.title : "") : "", impl === impls[0] ? TASK_TITLE[task] : "", impl];
        if (!c) continue;
        if (c.status !== "ok" || !c.timing) {
          rows.push([...head, "", c.status === "skipped" ? `skipped: ${c.reason}` : `cannot train: ${c.reason}`]);
          continue;
        }
        const t = c.timing;
        const q = ratio(m, task, impl);
        rows.push([...head, `${t.reps}`, fmtMs(t.median), fmtMs(t.p90), fmtMs(t.cpuMedian), gf(flops, t.cpuMedian).toFixed(2), impl === "dnnc" ? "1" : q === undefined ? "" : fmtRatio(q)]);
      }
    }
  }
  return table(header, rows, [false, false, false, true, true, true, true, true, true]);
}

/** The ceiling's fixed shapes, then each model's step products back to back. */
export function ceilingTable(shapes: readonly GemmTiming[], models: readonly { title: string; ceiling: ModelCeiling }[]): string {
  const rows: string[][] = shapes.map((g) => [g.what, `${(g.flops / 1e6).toFixed(1)} MFLOP`, fmtMs(g.cpuMedianMs) + " ms", g.gflops.toFixed(2) + " GFLOP/s"]);
  for (const { title, ceiling: c } of models) {
    rows.push([`${title}: the step's ${c.gemms.length} products back to back`, `${(c.flops / 1e6).toFixed(1)} MFLOP`, fmtMs(c.ms) + " ms", c.gflops.toFixed(2) + " GFLOP/s"]);
  }
  return table(["shape", "work", "time", "rate"], rows, [false, true, true, true]);
}

export function againstLine(title: string, a: AgainstCeiling): string {
  return a.dnncMs !== undefined && a.dnncGflops !== undefined
    ? `  ${title}: ${(a.stepFlops / 1e6).toFixed(1)} MFLOP in ${fmtMs(a.dnncMs)} ms = ${a.dnncGflops.toFixed(2)} GFLOP/s = ${pct(a.dnncGflops / a.ceilingGflops)} of the ceiling (${a.ceilingGflops.toFixed(2)} GFLOP/s)`
    : `  ${title}: (dnnc not measured)`;
}

export function targetLines(targets: readonly Target[]): string[] {
  return targets.map((t) => `  ${t.status.padEnd(4)}  ${t.what}: ${t.shown}`);
}

function table(header: string[], rows: string[][], right: boolean[]): string {
  // A row of fewer cells ends in free text (a "skipped"/"cannot train" note) that may overflow.
  const counts = (r: string[], i: number) => r.length === header.length || i < r.length - 1;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => counts(r, i)).map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => {
    if (r.length < header.length) return r.map((c, i) => (i === r.length - 1 ? c : right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
    return r.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  };
  return ["  " + line(header), "  " + widths.map((w) => "─".repeat(w)).join("  "), ...rows.map((r) => "  " + line(r))].join("\n");
}
