// The per-model part of bench/results/train-speed.json, and how its numbers are rounded: enough
// digits to compare runs, not the float noise of every sample.
import type { Timing } from "./timing.ts";
import { ANCHORS, TASKS, gf, ratio, wallRatio, type DnncImpl, type ModelResult } from "./train-results.ts";

/** A timing with every sample kept, so a reader can recompute any statistic. */
const timingJson = (t: Timing) => ({
  reps: t.reps,
  warmup: t.warmup,
  medianMs: t.median,
  p90Ms: t.p90,
  cpuMedianMs: t.cpuMedian,
  cpuP90Ms: t.cpuP90,
  minMs: Math.min(...t.wallMs),
  warmupMs: t.warmupMs,
  samplesMs: t.wallMs,
  cpuSamplesMs: t.cpuMs,
});

/**
 * One model: what it is, each (task, implementation) cell, and each anchor's time over each dnnc
 * target's: CPU-time medians, except for PyTorch on two threads (CPU time sums its threads), whose
 * ratio is of wall-clock medians.
 */
export function modelJson(m: ModelResult, dnncImpls: readonly DnncImpl[]) {
  return {
    title: m.spec.title,
    dnn: m.spec.dnn,
    className: m.className,
    params: m.spec.params,
    compileMs: m.compileMs,
    flops: m.flops,
    tasks: Object.fromEntries(
      TASKS.map((task) => [
        task,
        Object.fromEntries(
          Object.entries(m.cells[task]).flatMap(([impl, c]) => (c ? [[
            impl,
            c.status === "ok" && c.timing
              ? { status: "ok", ...timingJson(c.timing), gflops: gf(task === "step" ? m.flops.step : m.flops.forward, c.timing.cpuMedian), ...(c.losses ? { lossFirst: c.losses[0], lossLast: c.losses[c.losses.length - 1], steps: c.losses.length } : {}) }
              : { status: c.status, reason: c.reason },
          ]] : [])),
        ),
      ]),
    ),
    ratiosCpu: Object.fromEntries(
      TASKS.map((task) => [task, Object.fromEntries(dnncImpls.flatMap((d) => ANCHORS.filter((a) => a !== "pytorch-2t").map((a) => [`${a}/${d}`, ratio(m, task, a, d) ?? null])))]),
    ),
    ratiosWall: Object.fromEntries(TASKS.map((task) => [task, Object.fromEntries(dnncImpls.map((d) => [`pytorch-2t/${d}`, wallRatio(m, task, "pytorch-2t", d) ?? null]))])),
  };
}

/** JSON.stringify replacer: integers as they are, other numbers to 4 significant digits (0.1 from 100 up). */
export function roundReplacer(_k: string, v: unknown) {
  if (typeof v !== "number" || Number.isInteger(v)) return v;
  const a = Math.abs(v);
  return a >= 100 ? Math.round(v * 10) / 10 : Number(v.toPrecision(4));
}
