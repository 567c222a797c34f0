// The pieces of bench/check-speed.ts that time compile() from the inside: the two configurations
// it is measured in, one run with each of its named steps timed (and the CPU time between them on
// a line of its own), and the built package's first check() in fresh processes.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cpuNow } from "./timing.ts";
import { compile, fsHost, type Purpose } from "../../src/compiler.ts";
import type { PassName } from "../../src/passes/pipeline.ts";

// compile() as a check runs it (src/api/compile.ts, check()): the measured configuration.
export const AS_CHECK = { after: "none" as PassName | "none", purpose: "check" as Purpose };
// …and as code generation runs it (`dnnc compile`, the API's compile()): reported beside it.
export const AS_CODE = { after: "dce" as PassName | "none", purpose: "code" as Purpose };

/** The phase line for the CPU time between compile()'s named steps (phasesOnce). */
export const BETWEEN = "between steps: bookkeeping, and V8's GC and JIT threads";

export interface Phases {
  [phase: string]: number;
}

/** One compile() of `file`, each named step timed. The first in a process is its cold run: a
 * valid file never builds chevrotain's parser (the fast path reads it, decision 0021). */
export function phasesOnce(file: string, text: string, as: typeof AS_CHECK): Phases {
  const p: Phases = {};
  // The CPU time between one step's end and the next's start is charged to a line of its own:
  // compile()'s few lines of bookkeeping between its steps, and what V8's background threads
  // (concurrent marking and sweeping, concurrent optimisation) spent meanwhile — process CPU
  // time counts every thread, and that work lands between the steps out of all proportion
  // (3–77 ms a run at load 3–5; 3–5 ms with --single-threaded-gc --no-concurrent-recompilation).
  let last = cpuNow();
  const lap = <T>(name: string, f: () => T): T => {
    const t0 = cpuNow();
    p[BETWEEN] = (p[BETWEEN] ?? 0) + t0 - last;
    const v = f();
    last = cpuNow();
    p[name] = (p[name] ?? 0) + last - t0;
    return v;
  };
  compile(file, text, fsHost, as.after, lap, as.purpose);
  p[BETWEEN] = (p[BETWEEN] ?? 0) + cpuNow() - last;
  // Last, so it prints after the compiler's own steps.
  const between = p[BETWEEN]!;
  delete p[BETWEEN];
  p[BETWEEN] = between;
  return p;
}

/** One first call: CPU of the whole process (every thread), wall, and where Linux tells it, the
 * main thread's CPU alone (the rest is V8's threads: the optimising compiler, concurrent GC). */
export interface FirstCall {
  cpuMs: number;
  wallMs: number;
  mainThreadMs?: number;
}

export function firstCallsInFreshProcesses(root: string, file: string, n: number): FirstCall[] {
  // /proc/thread-self/stat's utime and stime (fields 14, 15 after the command's parenthesis), in
  // clock ticks of 10 ms: coarse, but a median of several runs of ~500 ms reads well enough.
  const script = `const { check } = await import(${JSON.stringify(pathToFileURL(join(root, "dist", "api.mjs")).href)});
const fs = await import("node:fs");
const text = fs.readFileSync(${JSON.stringify(file)}, "utf8");
const main = () => { try { const s = fs.readFileSync("/proc/thread-self/stat", "utf8"); const f = s.slice(s.lastIndexOf(")") + 2).split(" "); return (Number(f[11]) + Number(f[12])) * 10; } catch { return undefined; } };
const m0 = main(); const u0 = process.cpuUsage(); const t0 = performance.now();
const r = check({ path: ${JSON.stringify(file)}, text });
const wallMs = performance.now() - t0; const u = process.cpuUsage(u0); const m1 = main();
if (!r.ok) process.exit(1);
process.stdout.write(JSON.stringify({ cpuMs: (u.user + u.system) / 1000, wallMs, mainThreadMs: m0 === undefined || m1 === undefined ? undefined : m1 - m0 }));`;
  const out: FirstCall[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`the fresh-process check() failed: ${r.stderr.slice(0, 1000)}`);
    out.push(JSON.parse(r.stdout) as FirstCall);
  }
  return out;
}
