// The text report of bench/train-speed.ts: the timings table, the matmul ceilings, dnnc's step
// against them, and the targets. Formatting only; the numbers are computed elsewhere.
import type { AgainstCeiling, GemmTiming, ModelCeiling } from "./ceiling.ts";
import type { WasmInfo } from "./tfjs-backends.ts";
import { TASK_TITLE, TASKS, gf, ratio, wallRatio, type DnncImpl, type ImplName, type ModelResult, type Target } from "./train-results.ts";

export const fmtMs = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
export const fmtRatio = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + "×";
export const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;

/** Which TensorFlow.js ran, and which wasm binary. */
export function tfjsLine(version: string | undefined, wasm: WasmInfo | undefined): string {
  return `TensorFlow.js ${version ?? "(not loaded)"}${wasm ? `; wasm backend: ${wasm.binary ?? "?"} (${wasm.bytes?.toLocaleString("en-US") ?? "?"} bytes, from ${wasm.files}/), SIMD ${wasm.simd ? "yes" : "no"}, multithread support ${wasm.multithread ? "yes" : "no"}, threads ${wasm.threads}` : ""}`;
}

/**
 * Every (model, task, implementation) measured: reps, wall and CPU times, GFLOP/s, and the ratio
 * to each dnnc target's time (CPU-time medians; for PyTorch on two threads, whose CPU time is two
 * threads' sum, the wall-clock medians, marked "wall").
 */
export function resultsTable(results: readonly ModelResult[], impls: readonly ImplName[], dnncImpls: readonly DnncImpl[]): string {
  const header = ["model", "task", "impl", "reps", "median ms", "p90 ms", "CPU ms", "GFLOP/s", ...dnncImpls.map((d) => `impl/${d}`)];
  const rows: string[][] = [];
  for (const m of results) {
    for (const task of TASKS) {
      const flops = task === "step" ? m.flops.step : m.flops.forward;
      for (const impl of impls) {
        const c = m.cells[task][impl];
        const head = [impl === impls[0] ? (task === "step" ? m.spec.title : "") : "", impl === impls[0] ? TASK_TITLE[task] : "", impl];
        if (!c) continue;
        if (c.status !== "ok" || !c.timing) {
          rows.push([...head, "", c.status === "unavailable" ? `${c.reason}` : c.status === "skipped" ? `skipped: ${c.reason}` : `cannot ${task === "step" ? "train" : "run"}: ${c.reason}`]);
          continue;
        }
        const t = c.timing;
        const ratios = dnncImpls.map((d) => {
          if (impl === d) return "1";
          if (impl !== "pytorch-2t") return fmtOptRatio(ratio(m, task, impl, d));
          const q = wallRatio(m, task, impl, d);
          return q === undefined ? "" : `${fmtRatio(q)} wall`;
        });
        rows.push([...head, `${t.reps}`, fmtMs(t.median), fmtMs(t.p90), fmtMs(t.cpuMedian), gf(flops, t.cpuMedian).toFixed(2), ...ratios]);
      }
    }
  }
  return table(header, rows, header.map((_, i) => i >= 3));
}

const fmtOptRatio = (q: number | undefined) => (q === undefined ? "" : fmtRatio(q));

/** The ceilings' fixed shapes, each model's products one by one, and each model's step back to back: GFLOP/s from CPU-time medians. */
export function ceilingTable(
  shapes: readonly { js: GemmTiming; wasm?: GemmTiming }[],
  models: readonly { title: string; js: ModelCeiling; wasm?: ModelCeiling }[],
): string {
  const rate = (g: { gflops: number } | undefined) => (g ? g.gflops.toFixed(2) : "—");
  const rows: string[][] = shapes.map(({ js, wasm }) => [js.what, `${js.M}×${js.K}·${js.K}×${js.N}`, (js.flops / 1e6).toFixed(1), rate(js), rate(wasm)]);
  for (const { title, js, wasm } of models) {
    js.gemms.forEach((g, i) => rows.push([`${title}: ${g.what}`, `${g.M}×${g.K}·${g.K}×${g.N}`, (g.flops / 1e6).toFixed(2), rate(g), rate(wasm?.gemms[i])]));
    rows.push([`${title}: the step's ${js.gemms.length} products back to back`, "", (js.flops / 1e6).toFixed(1), rate(js), rate(wasm)]);
  }
  return table(["product", "shape", "MFLOP", "plain JS", "wasm SIMD"], rows, [false, false, true, true, true]);
}

export function againstLine(title: string, a: AgainstCeiling): string {
  const which = a.ceiling === "js" ? "plain-JS" : "WebAssembly-SIMD";
  return a.dnncMs !== undefined && a.dnncGflops !== undefined
    ? `  ${a.impl}, ${title}: ${(a.stepFlops / 1e6).toFixed(1)} MFLOP in ${fmtMs(a.dnncMs)} ms = ${a.dnncGflops.toFixed(2)} GFLOP/s = ${pct(a.dnncGflops / a.ceilingGflops)} of the ${which} ceiling (${a.ceilingGflops.toFixed(2)} GFLOP/s)`
    : `  ${a.impl}, ${title}: (not measured)`;
}

/** One line a target; those shown for reference only are marked "ref", their outcome in lower case. */
export function targetLines(targets: readonly Target[]): string[] {
  return targets.map((t) => `  ${(t.binding ? t.status : `ref ${t.status.toLowerCase()}`).padEnd(8)}  ${t.what}: ${t.shown}`);
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
