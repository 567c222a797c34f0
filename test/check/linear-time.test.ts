// Compile time is linear in program length: a straight-line model of 20,000 lines compiles
// (front end, passes, fusion, emission) in well under 30 s, and four times the lines take at
// most eight times as long. Linear growth gives ×4 and quadratic ×16: the bound sits between
// them, with room for a busy machine. Fusion once re-sorted a kernel's members on every merge
// and searched the whole growing kernel for cycles, which made 8,000 lines take 20 s.
// bench/compile-speed.ts measures the same model through the real `dnnc`.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { emitModule } from "../helpers/targets.ts";
import { hasErrors } from "../../src/diagnostics/diagnostic.ts";
import { straightLineModel } from "../../bench/lib/straight-line.ts";
import { generate } from "../../bench/lib/gen-models.ts";

/** CPU time (this process: the machine is shared) to compile and emit a model of `lines` lines, the best of two. */
function compileMs(lines: number): number {
  const text = straightLineModel(lines);
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = process.cpuUsage();
    const r = compile(`straight${lines}.dnn`, text);
    expect(hasErrors(r.diagnostics)).toBe(false);
    emitModule("ts", r.models, `straight${lines}.dnn`);
    const t = process.cpuUsage(t0);
    best = Math.min(best, (t.user + t.system) / 1000);
  }
  return best;
}

describe("compile time", () => {
  it("is linear in the length of a straight-line model", () => {
    compileMs(1_000); // warm up the JIT
    const small = compileMs(5_000);
    const large = compileMs(20_000);
    expect(large, `20,000 lines took ${large.toFixed(0)} ms`).toBeLessThan(30_000);
    expect(large / small, `5,000 lines: ${small.toFixed(0)} ms, 20,000 lines: ${large.toFixed(0)} ms`).toBeLessThan(8);
  }, 300_000);

  // The benchmark's workload (bench/lib/gen-models.ts: many models, train blocks, autodiff)
  // checked as `dnnc check` does: ×4 the lines may take at most ×6 the time. The runs alternate
  // between the two sizes, so both see the same load, and the medians of five are compared.
  it("is linear in the length of the check benchmark's workload", () => {
    const small = generate({ layers: 100, lines: 1_000 });
    const large = generate({ layers: 400, lines: 4_000 });
    const checkMs = (g: typeof small, name: string) => {
      const t0 = process.cpuUsage();
      const r = compile(name, g.text, undefined, "none", undefined, "check");
      const t = process.cpuUsage(t0);
      expect(r.diagnostics).toEqual([]);
      expect(r.models.length).toBe(g.models);
      return (t.user + t.system) / 1000;
    };
    for (let i = 0; i < 3; i++) checkMs(small, "small.dnn"), checkMs(large, "large.dnn"); // warm up the JIT
    const times = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < 5; i++) times.small.push(checkMs(small, "small.dnn")), times.large.push(checkMs(large, "large.dnn"));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2]!;
    const ratio = median(times.large) / median(times.small);
    expect(ratio, `1,000 lines: ${median(times.small).toFixed(0)} ms, 4,000 lines: ${median(times.large).toFixed(0)} ms (medians of 5)`).toBeLessThan(6);
  }, 300_000);
});
