// How fast does dnnc's WGSL train on a GPU, against TensorFlow.js's webgpu backend on the same
// adapter and the same device (Dawn, the npm package `webgpu`: Mesa's lavapipe where there is no
// GPU)? One training step at batch 64, Adam(lr 0.001), sparse softmax cross-entropy, of the MLP
// 784-256-128-10 and the Keras MNIST CNN (bench/lib/train-models.ts, as bench/train-speed.ts):
//
//   dnnc-wgsl    src/backend/wgsl/emit.ts's module, through its public API: create({ seed, device }),
//                trainStep(batch, { readLoss: true });
//   tfjs-webgpu  TensorFlow.js 4.22's layers API, model.trainOnBatch (which reads the loss back,
//                so dnnc reads it back every step too), the labels one-hot encoded once, untimed.
//
// Both start from dnnc's seed-1 weights (from the TypeScript backend, copied with setWeights) and
// see the same random batch; their first losses must equal the TypeScript backend's, and their
// losses must fall, or the benchmark exits 1. Dispatches, queue submits and buffer maps (waits
// for results) are counted per step at the WebGPU API's prototypes, so every caller is counted.
//
// Wall clock, not pinned: lavapipe runs shaders on threads of this process, one per core. The
// first step (shaders compiled, pipelines built) is timed apart; then warm-up rounds (at least one,
// up to 1 s), then timed rounds until 30 or 10 s, never fewer than 5, a round being one step of
// each implementation (bench/lib/gpu-timing.ts). No adapter: a line says so and it exits 0.
//
//   npm run bench:gpu                     # = npm run bench -- --only gpu-speed; writes bench/results/gpu-speed.json
//   npx tsx bench/gpu-speed.ts [--quick] [--impl dnnc-wgsl,tfjs-webgpu] [--models mlp,cnn] [--json FILE] [--strict]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import { allFinite, checkRecorder, near } from "./lib/agreement.ts";
import { compileModel } from "./lib/dnnc-runner.ts";
import { compileWgsl } from "./lib/gpu-dnnc.ts";
import { dawn, gpuCounts } from "./lib/gpu-device.ts";
import { GPU_IMPLS, gpuRatio, gpuTable, perStep, type GpuCell, type GpuImpl, type GpuModelResult } from "./lib/gpu-report.ts";
import { tfjsWebgpu } from "./lib/gpu-tfjs.ts";
import { mulberry32 } from "./lib/random.ts";
import { roundReplacer } from "./lib/results-json.ts";
import { buildTfjsModel } from "./lib/tfjs-backends.ts";
import { timeInterleaved, type GpuPolicy, type Step } from "./lib/gpu-timing.ts";
import { CNN, MLP, type ModelSpec } from "./lib/train-models.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BATCH = 64;
const LR = 0.001;
const SEED = 1;

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const v = option(name)?.split(",").filter((s): s is T => all.includes(s as T));
  return v?.length ? v : [...all];
};
const QUICK = args.includes("--quick");
const impls = list("--impl", GPU_IMPLS);
const specs = [MLP, CNN].filter((s) => list("--models", ["mlp", "cnn"] as const).includes(s.key));
const policy: GpuPolicy = QUICK
  ? { warmupMs: 0, maxWarmup: 1, minReps: 3, maxReps: 3, budgetMs: 0 }
  : { warmupMs: 1000, maxWarmup: 5, minReps: 5, maxReps: 30, budgetMs: 10_000 };

const out = (line = "") => process.stdout.write(line + "\n");
const gpuOrWhy = await dawn();
if (typeof gpuOrWhy === "string") {
  out(`gpu-speed: skipped, ${gpuOrWhy}`);
  process.exit(0);
}
const gpu = gpuOrWhy;
gpuCounts();
const loadBefore = loadavg();
const cpu = /^model name\s*:\s*(.+)$/m.exec(safeRead("/proc/cpuinfo"))?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown CPU";
const adapter = [gpu.info.vendor, gpu.info.architecture, gpu.info.device, gpu.info.description].filter(Boolean).join(" / ");
out(`dnnc WGSL against TF.js webgpu: training step, batch ${BATCH}, Adam(lr ${LR}), sparse softmax cross-entropy${QUICK ? " — QUICK RUN" : ""}`);
out(`adapter: ${adapter}`);
out(`machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`);
const source = gitState();
out(`compiler: ${source.commit ? `commit ${source.commit.slice(0, 7)}` : "not a git checkout"}${source.dirty.length ? `, with uncommitted changes to ${source.dirty.length} file(s) under src/ and stdlib/` : ""}`);

const { checks, check } = checkRecorder(out);
const genDir = mkdtempSync(join(tmpdir(), "dnnc-gpu-speed-"));
const results: GpuModelResult[] = [];

for (const spec of specs) {
  out(`\n${spec.title} (${spec.dnn}) …`);
  const r: GpuModelResult = { key: spec.key, title: spec.title, cells: {} };
  results.push(r);
  const rand = mulberry32(spec.key === "mlp" ? 101 : 202);
  const x = Float32Array.from({ length: BATCH * spec.input.reduce((a, b) => a * b, 1) }, rand);
  const y = Int32Array.from({ length: BATCH }, () => Math.floor(rand() * spec.classes));

  // The reference: the TypeScript backend's seed-1 weights and its first loss on this batch.
  const { cls: ts } = await compileModel(ROOT, spec.dnn, genDir);
  const ref = ts.create({ seed: SEED });
  const weights = ts.parameters.map((p) => ref.getParameter(p.name));
  const refLoss = ref.trainStep({ [ts.inputs[0]!.name]: x, [ts.targets[0]!.name]: y });

  const runners: { impl: GpuImpl; step: Step; dispose: () => void }[] = [];
  for (const impl of impls) {
    out(`  ${impl}: setting up …`);
    try {
      runners.push({ impl, ...(impl === "dnnc-wgsl" ? await dnncStep(spec, x, y) : await tfjsStep(spec, x, y, weights)) });
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
      r.cells[impl] = { status: "cannot", reason };
      check(`${spec.key} ${impl} runs`, false, reason);
    }
  }
  out(`  training steps, interleaved …`);
  try {
    const timings = await timeInterleaved(runners.map((n) => n.step), policy);
    runners.forEach((n, i) => (r.cells[n.impl] = { status: "ok", ...timings[i]! }));
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    for (const n of runners) r.cells[n.impl] = { status: "cannot", reason };
    check(`${spec.key}: every training step runs`, false, reason);
  } finally {
    for (const n of runners) n.dispose();
  }
  for (const n of runners) {
    const c = r.cells[n.impl]!;
    if (c.status !== "ok") continue;
    const l = c.losses, first = l[0]!, last = l[l.length - 1]!;
    check(`${spec.key} ${n.impl}: the first loss equals the TypeScript backend's`, near(first, refLoss, 1e-3, 1e-4), `${first} vs ${refLoss}`);
    check(`${spec.key} ${n.impl}: every loss is finite and they fall`, allFinite(l) && last < first, `${l.length} steps, ${first.toFixed(5)} → ${last.toFixed(5)}`);
  }
}
rmSync(genDir, { recursive: true, force: true });

const loadAfter = loadavg();
out("");
out(`wall clock; "first": the first step, shaders compiled; median and p90 of the timed steps after warm-up, each`);
out(`implementation's steps interleaved with the other's; the loss read back every step by both;`);
out(`counts per timed step (median, range if they varied); TF.js/dnnc > 1: dnnc is faster`);
out(gpuTable(results));

const targets = results.flatMap((m) => {
  const q = gpuRatio(m);
  const d = m.cells["dnnc-wgsl"], t = m.cells["tfjs-webgpu"];
  const dd = d?.status === "ok" ? perStep(d.counts, "dispatches").median : undefined;
  const td = t?.status === "ok" ? perStep(t.counts, "dispatches").median : undefined;
  return [
    { what: `${m.key.toUpperCase()} step ≥ 1.5× faster than TF.js webgpu`, ok: q === undefined ? undefined : q >= 1.5, shown: q === undefined ? "not measured" : `TF.js / dnnc = ${q.toPrecision(3)}` },
    { what: `${m.key.toUpperCase()} step with fewer dispatches than TF.js webgpu`, ok: dd === undefined || td === undefined ? undefined : dd < td, shown: dd === undefined || td === undefined ? "not measured" : `${dd} vs ${td}` },
  ];
});
out("\ntargets");
for (const t of targets) out(`  ${t.ok === undefined ? "n/a " : t.ok ? "PASS" : "FAIL"}  ${t.what}: ${t.shown}`);
const failed = checks.filter((c) => !c.ok);
out(`\nchecks: ${checks.length - failed.length} of ${checks.length} passed${failed.length ? `; FAILED: ${failed.map((c) => c.what).join("; ")}` : ""}`);
out(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(" ")}`);
if (failed.length) process.exit(1);

const jsonPath = option("--json") ?? (QUICK ? join(tmpdir(), "gpu-speed.quick.json") : join(ROOT, "bench", "results", "gpu-speed.json"));
const json = {
  benchmark: "gpu-speed",
  date: new Date().toISOString(),
  quick: QUICK,
  command: `node ${relative(ROOT, fileURLToPath(import.meta.url))} ${args.join(" ")}`.trim(),
  source,
  machine: { cpu, cores: cpus().length, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  adapter: gpu.info,
  settings: { batch: BATCH, optimizer: `adam(lr ${LR})`, loss: "sparse softmax cross-entropy", seed: SEED, policy, readLoss: true },
  models: Object.fromEntries(results.map((m) => [m.key, { title: m.title, ratio: gpuRatio(m) ?? null, cells: Object.fromEntries(Object.entries(m.cells).map(([k, c]) => [k, cellJson(c)])) }])),
  targets,
  checks,
};
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, JSON.stringify(json, roundReplacer, 2) + "\n");
const shown = relative(process.cwd(), jsonPath);
out(`wrote ${shown.startsWith("..") ? jsonPath : shown}`);
// Dawn's threads would keep the process alive.
process.exit(args.includes("--strict") && targets.some((t) => t.ok === false) ? 1 : 0);

async function dnncStep(spec: ModelSpec, x: Float32Array, y: Int32Array) {
  const m = await compileWgsl(ROOT, spec.dnn, genDir);
  const t0 = performance.now();
  const model = await m.cls.create({ seed: SEED, device: gpu.device });
  out(`    ${m.shaders} shaders, emitted in ${m.compileMs.toFixed(0)} ms; create() in ${(performance.now() - t0).toFixed(0)} ms`);
  return { step: () => model.trainStep({ [m.input]: x, [m.target]: y }, { readLoss: true }), dispose: () => model.destroy() };
}

async function tfjsStep(spec: ModelSpec, x: Float32Array, y: Int32Array, weights: Float32Array[]) {
  const t = await tfjsWebgpu(gpu);
  const tm = buildTfjsModel(t, spec);
  tm.setWeights(weights.map((w, i) => t.tensor(w, tm.weights[i]!.shape as number[])));
  tm.compile({
    optimizer: t.train.adam(LR),
    loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => t.losses.softmaxCrossEntropy(yTrue, yPred, undefined, undefined, t.Reduction.NONE),
  });
  const xT = t.tensor(x, [BATCH, ...spec.input]);
  const yT = t.tidy(() => t.oneHot(t.tensor1d(y, "int32"), spec.classes).toFloat());
  return {
    step: async () => (await tm.trainOnBatch(xT, yT)) as number,
    dispose: () => (xT.dispose(), yT.dispose(), tm.dispose()),
  };
}

function cellJson(c: GpuCell) {
  if (c.status !== "ok") return c;
  return {
    status: "ok",
    firstMs: c.firstMs,
    warmupMs: c.warmupMs,
    reps: c.samplesMs.length,
    medianMs: c.median,
    p90Ms: c.p90,
    samplesMs: c.samplesMs,
    perStep: { dispatches: perStep(c.counts, "dispatches"), submits: perStep(c.counts, "submits"), readbacks: perStep(c.counts, "readbacks") },
    lossFirst: c.losses[0],
    lossLast: c.losses[c.losses.length - 1],
    steps: c.losses.length,
  };
}

/** The commit measured, and the files under src/ and stdlib/ that differ from it. */
function gitState(): { commit: string | null; dirty: string[] } {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8" });
  const head = git("rev-parse", "HEAD");
  if (head.status !== 0) return { commit: null, dirty: [] };
  return { commit: head.stdout.trim(), dirty: git("status", "--porcelain", "--", "src", "stdlib").stdout.split("\n").filter(Boolean).map((l) => l.slice(3)) };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
