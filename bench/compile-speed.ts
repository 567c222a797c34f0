// How does compile time grow with the length of a program? A 20,000-line straight-line model
// (bench/lib/straight-line.ts) must check and compile (`--target ts`) in under 3 s each, as a
// user runs them: `node bin/dnnc.js check FILE` and `… compile FILE --target ts --out DIR`, fresh
// processes, wall time (Node's start-up included; the build in dist/ when current, else tsx). The same for 5,000 lines shows the
// growth: linear is ×4 for four times the lines, quadratic ×16. In-process CPU times of
// compile() (the front end) and of the whole compilation with emission are printed beside them,
// since on a busy machine the wall time mostly measures the other tenants (the load average is
// recorded). Results: bench/results/compile-speed.json.
//
//   npx tsx bench/compile-speed.ts [--runs N] [--no-pin] [--strict]   (--strict: exit 1 when the target is missed)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { straightLineModel } from "./lib/straight-line.ts";
import { pinToOneCpu } from "./lib/pin.ts";
import { cpuNow, quantile } from "./lib/timing.ts";
import { compile } from "../src/compiler.ts";
import { loadTarget } from "../src/backend/targets.ts";
import { targetModels } from "../src/backend/target.ts";
import { hasErrors } from "../src/diagnostics/diagnostic.ts";
// @ts-expect-error plain JavaScript next to the command, without declarations
import { builtIsCurrent } from "../bin/built.mjs";

const tsTarget = await loadTarget("ts");
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET_MS = 3000;
const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const cpu = pinToOneCpu(fileURLToPath(import.meta.url), args, args.includes("--no-pin"));

// The command as users get it runs the build in dist/ (npm install makes it); a stale or missing
// build falls back to the sources through tsx, ~0.3 s slower to start: say which was measured.
const built = builtIsCurrent(new URL("../", import.meta.url)) as boolean;
console.log(built ? "the command runs the build in dist/" : "dist/ is missing or stale (`npm run build`): the command runs the sources through tsx");
const dir = mkdtempSync(join(tmpdir(), "dnnc-compile-speed-"));
const loadBefore = loadavg();
const results: Record<string, unknown>[] = [];
try {
  for (const lines of [5_000, 20_000]) {
    const path = join(dir, `straight${lines}.dnn`);
    const text = straightLineModel(lines);
    writeFileSync(path, text);
    const cli = (command: string[]) => {
      const wall: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [join(ROOT, "bin/dnnc.js"), ...command], { encoding: "utf8" });
        wall.push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`dnnc ${command.join(" ")} exited ${r.status}: ${r.stderr}`);
      }
      return quantile(wall, 0.5);
    };
    const checkMs = cli(["check", path]);
    const compileMs = cli(["compile", path, "--target", "ts", "--out", join(dir, "out")]);
    // In process: the front end (parse … autodiff, passes) and then emission, CPU time, best of RUNS after a warm-up.
    const front: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = cpuNow();
      const r = compile(path, text);
      const t1 = cpuNow();
      if (hasErrors(r.diagnostics)) throw new Error(`${path} does not check clean`);
      tsTarget.emit({ models: targetModels(r.models), sourceName: `straight${lines}.dnn` });
      const t2 = cpuNow();
      if (i > 0) front.push(t1 - t0), whole.push(t2 - t0);
    }
    const row = { lines, checkWallMs: checkMs, compileWallMs: compileMs, frontEndCpuMs: Math.min(...front), compileAndEmitCpuMs: Math.min(...whole) };
    results.push(row);
    console.log(
      `${String(lines).padStart(6)} lines: dnnc check ${checkMs.toFixed(0)} ms, dnnc compile --target ts ${compileMs.toFixed(0)} ms (wall, median of ${RUNS});` +
        ` in process: front end ${row.frontEndCpuMs.toFixed(0)} ms, with emission ${row.compileAndEmitCpuMs.toFixed(0)} ms (CPU)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [small, large] = results as { compileAndEmitCpuMs: number; checkWallMs: number; compileWallMs: number }[];
const growth = large!.compileAndEmitCpuMs / small!.compileAndEmitCpuMs;
const met = large!.checkWallMs < TARGET_MS && large!.compileWallMs < TARGET_MS;
console.log(`growth for 4× the lines: ×${growth.toFixed(2)} (linear ×4, quadratic ×16); 20,000 lines under ${TARGET_MS} ms: ${met ? "yes" : "no"}`);
const loadAfter = loadavg();
console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" ")} after${cpu ? `; pinned to CPU ${cpu}` : ""}`);
const RESULTS = join(ROOT, "bench", "results");
mkdirSync(RESULTS, { recursive: true });
const out = join(RESULTS, "compile-speed.json");
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, targetMs: TARGET_MS, command: built ? "dist" : "tsx", runs: RUNS, pinnedCpu: cpu ?? null, loadBefore, loadAfter, growth, met, results }, null, 2) + "\n");
console.log(`wrote ${relative(process.cwd(), out)}`);
if (args.includes("--strict") && !met) process.exit(1);
