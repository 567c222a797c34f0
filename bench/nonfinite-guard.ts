// What the training step's non-finite guard costs (docs/decisions/0008): the generated
// TypeScript training step as dnnc compiles it (a finiteness flag reduced over the loss and every
// gradient, every new state selected on it) against the same step with the guard taken out of
// its IR (withoutGuard: every select on the flag replaced by its value, the flag dropped),
// both emitted into one module and timed alternately in one process, pinned to one CPU, at batch
// 64 for the MLP 784-256-128-10 and the Keras MNIST CNN. Both start from the same weights and see
// the same batch; the benchmark checks that they return the same loss, parameters and states, bit
// for bit (exit 1 otherwise), so the guard changes nothing on a finite step.
//
//   npm run bench -- --only nonfinite-guard
//   npx tsx bench/nonfinite-guard.ts [--models mlp,cnn] [--json FILE] [--no-pin]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "../src/compiler.ts";
import type { Fn } from "../src/ir/ir.ts";
import { emitFunctionsModule } from "../src/backend/ts/emit.ts";
import { withoutGuard } from "../src/step/step.ts";
import { pinToOneCpu } from "./lib/pin.ts";
import { mulberry32 } from "./lib/random.ts";
import { measure, type Timing } from "./lib/timing.ts";
import { CNN, MLP, type ModelSpec } from "./lib/train-models.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BATCH = 64;
const args = process.argv.slice(2);
const at = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const cpu = pinToOneCpu(fileURLToPath(import.meta.url), args, args.includes("--no-pin"));
const models = [MLP, CNN].filter((m) => (at("--models") ?? "mlp,cnn").split(",").includes(m.key));
const jsonPath = at("--json") ?? join(ROOT, "bench", "results", "nonfinite-guard.json");

type Generated = (...a: never[]) => Float32Array[];

async function run(spec: ModelSpec, dir: string) {
  const m = compile(join(ROOT, spec.dnn)).models[0]!;
  const guarded = m.train!.fn;
  const plain = withoutGuard(guarded);
  const file = join(dir, `${spec.key}.ts`);
  // The drivers themselves, each on a workspace made once, as the generated class calls them
  // (the exported wrappers make a workspace and copy the outputs on every call).
  const text = emitFunctionsModule([
    { fn: m.init, name: "init", symbols: [] },
    { fn: guarded, name: "guarded", symbols: ["B"] },
    { fn: plain, name: "plain", symbols: ["B"] },
  ]);
  writeFileSync(file, `${text}\nexport { guarded_impl, guarded_impl_workspace, plain_impl, plain_impl_workspace };\n`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, Generated>;
  const workspaces = { guarded: (mod.guarded_impl_workspace as (b: number) => unknown)(BATCH), plain: (mod.plain_impl_workspace as (b: number) => unknown)(BATCH) };
  const init = (mod.init as (...a: number[]) => Float32Array[])(...m.init.args.map(() => 1));
  const initByName = new Map(m.init.outputs.map((o, i) => [o.name, init[i]!] as const));
  const rand = mulberry32(7);
  // One batch, as the step reads it (labels carried as float32).
  const batch = new Map(guarded.args.filter((a) => a.role === "input" || a.role === "target").map((a) => {
    const n = BATCH * a.shape.slice(1).reduce<number>((x, d) => x * (d as number), 1);
    return [a.name, Float32Array.from({ length: n }, () => (a.dtype === "i32" ? Math.floor(rand() * spec.classes) : rand()))] as const;
  }));
  // Each function gets its own copies of the parameters and states, fresh before every call,
  // so both always take the same first step from the same weights.
  const argsOf = (fn: Fn) => fn.args.map((a) => (a.role === "step" ? Float32Array.of(1) : a.role === "param" || a.role === "state" ? initByName.get(a.name)!.slice() : batch.get(a.name)!));
  const call = (name: "guarded" | "plain", a: Float32Array[]) => (mod[`${name}_impl`] as (...x: unknown[]) => Float32Array[])(workspaces[name], BATCH, ...a);
  const ga = argsOf(guarded);
  const pa = argsOf(plain);
  const g = call("guarded", ga).map((a) => a.slice());
  const p = call("plain", pa).map((a) => a.slice());
  // Same loss and new parameters, bit for bit.
  for (const [i, o] of plain.outputs.entries()) {
    const j = guarded.outputs.findIndex((x) => x.name === o.name);
    if (!g[j]!.every((v, k) => Object.is(v, p[i]![k]))) throw new Error(`${spec.title}: ${o.name} differs between the guarded and the unguarded step`);
  }
  if (g[guarded.outputs.length - 1]![0] !== 1) throw new Error(`${spec.title}: the guarded step reports a non-finite step on a finite batch`);
  const policy = { warmupMs: 300, maxWarmup: 5, minReps: 5, maxReps: 40, budgetMs: 3000 };
  // Alternating rounds, so that drift on a shared machine falls on both alike.
  const times: { guarded: Timing[]; plain: Timing[] } = { guarded: [], plain: [] };
  for (let round = 0; round < 3; round++) {
    times.plain.push(await measure(() => call("plain", pa), policy));
    times.guarded.push(await measure(() => call("guarded", ga), policy));
  }
  const median = (ts: Timing[]) => ts.map((t) => t.cpuMedian).sort((a, b) => a - b)[1]!;
  const [withGuard, without] = [median(times.guarded), median(times.plain)];
  return { model: spec.title, withoutGuardMs: without, withGuardMs: withGuard, ratio: withGuard / without, kernels: { without: countKernels(plain), with: countKernels(guarded) } };
}

/** Kernels of a function's schedule, as the emitted module's comment states them. */
function countKernels(fn: Fn): number {
  const text = emitFunctionsModule([{ fn, name: "f", symbols: ["B"] }]);
  return Number(/placed by liveness over (\d+) kernels/.exec(text)![1]);
}

const dir = mkdtempSync(join(tmpdir(), "dnnc-guard-"));
try {
  const machine = `${cpus()[0]?.model ?? "?"}, ${cpus().length} CPUs, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}${cpu ? `, pinned to CPU ${cpu}` : ""}`;
  process.stdout.write(`${machine}\n\nTraining step at batch ${BATCH}, median process CPU time (middle of 3 alternating rounds):\n\n| model | without guard, ms | with guard, ms | ratio | kernels |\n|---|---:|---:|---:|---:|\n`);
  const results = [];
  for (const spec of models) {
    const r = await run(spec, dir);
    results.push(r);
    process.stdout.write(`| ${r.model} | ${r.withoutGuardMs.toFixed(2)} | ${r.withGuardMs.toFixed(2)} | ${r.ratio.toFixed(3)} | ${r.kernels.without} → ${r.kernels.with} |\n`);
  }
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), machine, batch: BATCH, results }, null, 2) + "\n");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
