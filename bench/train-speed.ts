// How fast does dnnc's generated TypeScript train? Side by side, in one process, batch 64,
// Adam(lr 0.001), sparse softmax cross-entropy:
//
//   1. an MLP 784-256(relu)-128(relu)-10 (bench/models/mlp_784.dnn) and
//   2. the Keras MNIST CNN (samples/mnist_cnn.dnn, 93,322 parameters),
//
// each as one training step and as inference (a forward pass), for
//
//   dnnc       the generated module, through its public API only (create, forward, trainStep,
//              getParameter), so the benchmark keeps working whatever the backend does inside;
//   tfjs-cpu   TensorFlow.js 4.22, pure-JavaScript CPU backend, layers API (tf.sequential,
//              model.compile, model.trainOnBatch for a step, model.predict for inference);
//   tfjs-wasm  the same on TensorFlow.js's WebAssembly backend (XNNPACK), one thread, SIMD when
//              the engine has it; the .wasm binaries are loaded from node_modules, and the one
//              actually instantiated is reported.
//
// and 3. the plain-JavaScript matmul ceiling (bench/lib/matmul.ts, a register-blocked, packed
// Float32Array kernel): GFLOP/s on 64×784·784×256 and 512×512·512×512, and on exactly the matrix
// products of each model's training step, against which dnnc's achieved GFLOP/s is compared.
//
// All three implementations start from the same weights (dnnc's create({ seed: 1 }), copied into
// the TensorFlow.js models with setWeights) and see the same random batch, so the benchmark also
// checks that they compute the same thing: equal logits before training, equal first losses,
// finite losses that decrease over the timed steps, no leaked TensorFlow.js tensors. A failed
// check exits 1 (and leaves the results file alone); TensorFlow.js failing to train a model
// (its wasm backend has no Conv2DBackpropFilter) is reported as "cannot train", not a failure.
//
// Repetitions adapt to the speed of each case: warm-up calls (at least 1, up to 0.5 s), then timed
// calls until --max-reps or --budget seconds, and never fewer than 3; the table states the count.
// On Linux the benchmark re-runs itself pinned to one CPU with `taskset` (--no-pin to skip): these
// are single-thread comparisons. Every call is timed twice, wall clock and process CPU time; the
// ratios and the targets use the CPU-time medians (the wall time also counts other tenants).
// Results go to bench/results/train-speed.json (committed: the latest full run).
//
//   npm run bench -- --only train-speed            # the full run, a few minutes
//   npm run bench -- --only train-speed --quick    # smoke run: few reps, no TF.js-cpu CNN training
//   npx tsx bench/train-speed.ts [--quick] [--impl dnnc,tfjs-cpu,tfjs-wasm] [--models mlp,cnn]
//                                [--budget SECONDS] [--max-reps N] [--json FILE] [--no-pin] [--strict]
//
// --quick writes its results to the system's temporary folder instead (unless --json is given);
// --strict exits 1 when a target is missed (by default they are only reported).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import { main as dnnc } from "../src/cli/main.ts";
import { checkMatmul, matmul } from "./lib/matmul.ts";
import { CNN, MLP, gemmFlops, stepGemms, sumFlops, type Gemm, type LayerSpec, type ModelSpec } from "./lib/train-models.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench", "results");
const BATCH = 64;
const LR = 0.001;
const SEED = 1;
const IMPLS = ["dnnc", "tfjs-cpu", "tfjs-wasm"] as const;
type ImplName = (typeof IMPLS)[number];
const TASKS = ["step", "forward"] as const;
type Task = (typeof TASKS)[number];
const TASK_TITLE: Record<Task, string> = { step: "train step", forward: "inference (forward)" };

// ---- arguments -----------------------------------------------------------------------------

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) fail(`${name} needs a value`);
  return v;
};
const numberOption = (name: string, fallback: number) => {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n > 0)) fail(`${name} needs a positive number, got ${v}`);
  return n;
};
const listOption = <T extends string>(name: string, all: readonly T[]): T[] => {
  const v = option(name);
  if (v === undefined) return [...all];
  const picked = v.split(",").map((s) => s.trim()).filter(Boolean);
  for (const p of picked) if (!all.includes(p as T)) fail(`${name}: unknown "${p}" (one of ${all.join(", ")})`);
  return picked as T[];
};

function fail(message: string): never {
  process.stderr.write(`train-speed: ${message}\n`);
  process.exit(1);
}

const QUICK = flag("--quick");
const impls = listOption("--impl", IMPLS);
const modelKeys = listOption("--models", ["mlp", "cnn"] as const);
const policy: Policy = {
  warmupMs: QUICK ? 0 : 500,
  maxWarmup: 5,
  minReps: 3,
  maxReps: Math.max(3, Math.floor(numberOption("--max-reps", QUICK ? 5 : 50))),
  budgetMs: 1000 * numberOption("--budget", QUICK ? 0.5 : 4),
};

// ---- pin to one core, once: re-run this script under `taskset -c <cpu>` ----------------------

if (!flag("--no-pin") && !process.env["DNNC_BENCH_PINNED"] && process.platform === "linux") {
  const probe = spawnSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" });
  if (probe.status === 0) {
    const cpu = String(Math.max(0, cpus().length - 1));
    const r = spawnSync("taskset", ["-c", cpu, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
      stdio: "inherit",
      env: { ...process.env, DNNC_BENCH_PINNED: cpu },
    });
    process.exit(r.status ?? 1);
  }
}
const pinned = process.env["DNNC_BENCH_PINNED"];

// ---- the machine ---------------------------------------------------------------------------

const loadBefore = loadavg();
const machine = {
  cpu: cpuModel(),
  cores: cpus().length,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  pinnedCpu: pinned ?? null,
};
const source = gitState();
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
const out = (line = "") => process.stdout.write(line + "\n");
out(`dnnc training speed: batch ${BATCH}, Adam(lr ${LR}), sparse softmax cross-entropy${QUICK ? " — QUICK RUN (few reps; numbers are rough)" : ""}`);
out(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${pinned ? `pinned to CPU ${pinned} (taskset)` : "not pinned"}; load average ${load(loadBefore)}`);
out(`compiler: ${source.commit ? `commit ${source.commit.slice(0, 7)}` : "not a git checkout"}${source.dirty.length ? `, with uncommitted changes to ${source.dirty.length} file(s) under src/ and stdlib/` : ""}`);

// ---- checks: correctness assertions, all recorded; any failure exits 1 at the end ------------

interface Check {
  what: string;
  ok: boolean;
  detail: string;
}
const checks: Check[] = [];
function check(what: string, ok: boolean, detail: string): boolean {
  checks.push({ what, ok, detail });
  if (!ok) out(`  CHECK FAILED: ${what}: ${detail}`);
  return ok;
}

// ---- timing --------------------------------------------------------------------------------

interface Policy {
  /** Keep warming up (beyond the first call) until this much time has passed… */
  warmupMs: number;
  /** …or this many warm-up calls were made. */
  maxWarmup: number;
  minReps: number;
  maxReps: number;
  /** Stop timing after this much wall time (once minReps are done). */
  budgetMs: number;
}

interface Timing {
  warmup: number;
  warmupMs: number[];
  reps: number;
  wallMs: number[];
  cpuMs: number[];
  median: number;
  p90: number;
  cpuMedian: number;
  cpuP90: number;
}

/** The process's CPU time so far (user + system, every thread), in ms. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure(fn: () => unknown, p: Policy, afterWarmup?: () => void): Promise<Timing> {
  const warmupMs: number[] = [];
  const w0 = performance.now();
  do {
    const t0 = performance.now();
    await fn();
    warmupMs.push(performance.now() - t0);
  } while (warmupMs.length < p.maxWarmup && performance.now() - w0 < p.warmupMs);
  afterWarmup?.();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  const start = performance.now();
  while (wallMs.length < p.minReps || (wallMs.length < p.maxReps && performance.now() - start < p.budgetMs)) {
    const c0 = cpuNow();
    const t0 = performance.now();
    await fn();
    wallMs.push(performance.now() - t0);
    cpuMs.push(cpuNow() - c0);
  }
  return {
    warmup: warmupMs.length,
    warmupMs,
    reps: wallMs.length,
    wallMs,
    cpuMs,
    median: quantile(wallMs, 0.5),
    p90: quantile(wallMs, 0.9),
    cpuMedian: quantile(cpuMs, 0.5),
    cpuP90: quantile(cpuMs, 0.9),
  };
}

// ---- 3. the plain-JS matmul ceiling ----------------------------------------------------------

try {
  checkMatmul();
  check("the ceiling's matmul agrees with the naive triple loop", true, "bench/lib/matmul.ts checkMatmul(), edge-case shapes");
} catch (e) {
  check("the ceiling's matmul agrees with the naive triple loop", false, e instanceof Error ? e.message : String(e));
}

interface GemmTiming extends Gemm {
  flops: number;
  medianMs: number;
  cpuMedianMs: number;
  gflops: number;
  reps: number;
}
const gemmPolicy: Policy = { warmupMs: QUICK ? 0 : 100, maxWarmup: 3, minReps: 3, maxReps: QUICK ? 5 : 25, budgetMs: QUICK ? 50 : 300 };
async function timeGemm(g: Gemm): Promise<GemmTiming> {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const A = Float32Array.from({ length: g.M * g.K }, rand);
  const B = Float32Array.from({ length: g.K * g.N }, rand);
  const C = new Float32Array(g.M * g.N);
  const t = await measure(() => matmul(A, B, C, g.M, g.K, g.N), gemmPolicy);
  const flops = gemmFlops(g);
  return { ...g, flops, medianMs: t.median, cpuMedianMs: t.cpuMedian, gflops: flops / t.cpuMedian / 1e6, reps: t.reps };
}

const specs = [MLP, CNN].filter((s) => modelKeys.includes(s.key));
const stepShapes = new Map(specs.map((s) => [s.key, stepGemms(s, BATCH)]));
const ceilingShapes: GemmTiming[] = [];
for (const g of [
  { what: `64×784 · 784×256 (the MLP's first layer)`, M: 64, K: 784, N: 256 },
  { what: "512×512 · 512×512", M: 512, K: 512, N: 512 },
]) ceilingShapes.push(await timeGemm(g));
// Each model's own ceiling is timed just before dnnc runs that model (below), so both see the same load.
const modelCeilings = new Map<string, { gemms: GemmTiming[]; flops: number; forwardFlops: number; ms: number; gflops: number }>();
async function timeModelCeiling(s: ModelSpec) {
  const { forward, backward } = stepShapes.get(s.key)!;
  const gemms: GemmTiming[] = [];
  for (const g of [...forward, ...backward]) gemms.push(await timeGemm(g));
  const flops = sumFlops(gemms);
  const ms = gemms.reduce((a, g) => a + g.cpuMedianMs, 0);
  modelCeilings.set(s.key, { gemms, flops, forwardFlops: sumFlops(forward), ms, gflops: flops / ms / 1e6 });
}

// ---- the dnnc models: compiled through the CLI's main(), imported, used through the public API --

interface TensorSpecLike {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly (number | string)[];
}
interface GeneratedModel {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  trainStep(batch: Record<string, Float32Array | Int32Array>): number;
  getParameter(name: string): Float32Array;
}
interface GeneratedClass {
  readonly name: string;
  readonly inputs: readonly TensorSpecLike[];
  readonly outputs: readonly TensorSpecLike[];
  readonly targets: readonly TensorSpecLike[];
  readonly parameters: readonly TensorSpecLike[];
  create(options?: { seed?: number }): GeneratedModel;
}

const genDir = mkdtempSync(join(tmpdir(), "dnnc-train-speed-"));
async function compileModel(spec: ModelSpec): Promise<{ cls: GeneratedClass; compileMs: number; file: string }> {
  const source = join(ROOT, spec.dnn);
  let log = "";
  const io = { out: (s: string) => void (log += s), err: (s: string) => void (log += s), color: false };
  const t0 = performance.now();
  const code = await dnnc(["compile", source, "--target", "ts", "--out", genDir], io);
  const compileMs = performance.now() - t0;
  if (code !== 0) fail(`dnnc compile ${spec.dnn} exited ${code}:\n${log}`);
  const file = join(genDir, basename(spec.dnn).replace(/\.dnn$/, ".ts"));
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const classes = Object.values(mod).filter((v): v is GeneratedClass => typeof v === "function" && typeof (v as { create?: unknown }).create === "function");
  if (classes.length !== 1) fail(`${file}: expected one exported model class, found ${classes.length}`);
  return { cls: classes[0]!, compileMs, file };
}

// ---- TensorFlow.js, loaded only when asked for ----------------------------------------------

let tf: typeof TF | undefined;
let wasmInfo: { binary: string | null; bytes: number | null; simd: boolean; multithread: boolean; threads: number; files: string; error?: string } | undefined;
async function tfjs(backend: "cpu" | "wasm"): Promise<typeof TF> {
  if (!tf) {
    tf = await import("@tensorflow/tfjs");
    tf.env().set("PROD", true); // no console banner about tfjs-node
  }
  if (backend === "wasm" && !wasmInfo) {
    const require = createRequire(import.meta.url);
    const wasm = (await import("@tensorflow/tfjs-backend-wasm")) as typeof import("@tensorflow/tfjs-backend-wasm");
    const dist = dirname(require.resolve("@tensorflow/tfjs-backend-wasm")); // …/dist/tf-backend-wasm.node.js
    wasm.setWasmPaths(dist + "/"); // a file path: the emscripten loader reads it with fs
    wasm.setThreadsCount(1);
    // Which binary is instantiated: watch the loader's reads and WebAssembly.instantiate.
    const fs = require("fs") as { readFileSync: (...a: unknown[]) => unknown };
    const read = fs.readFileSync;
    // (WebAssembly is not in this project's type libraries: ES2022, no DOM.)
    const WA = (globalThis as unknown as { WebAssembly: { instantiate: (source: unknown, imports: unknown) => unknown } }).WebAssembly;
    const instantiate = WA.instantiate;
    const readPaths: string[] = [];
    let bytes: number | null = null;
    fs.readFileSync = function (this: unknown, ...a: unknown[]) {
      if (String(a[0]).endsWith(".wasm")) readPaths.push(String(a[0]));
      return read.apply(this, a);
    };
    WA.instantiate = function (this: unknown, source: unknown, imports: unknown) {
      if (bytes === null && (source instanceof ArrayBuffer || ArrayBuffer.isView(source))) bytes = (source as ArrayBuffer).byteLength;
      return instantiate.call(this, source, imports);
    };
    let error: string | undefined;
    try {
      if (!(await tf.setBackend("wasm"))) error = "tf.setBackend('wasm') returned false";
      await tf.ready();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      fs.readFileSync = read;
      WA.instantiate = instantiate;
    }
    // Name the binary by the path read, or else by its size among the package's three binaries.
    const candidates = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];
    const bySize = candidates.find((f) => bytes !== null && safeSize(join(dist, f)) === bytes);
    const binary = readPaths.length ? basename(readPaths[readPaths.length - 1]!) : (bySize ?? null);
    wasmInfo = {
      binary,
      bytes: bytes ?? (binary ? safeSize(join(dist, binary)) : null),
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      multithread: Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")),
      threads: error ? 0 : wasm.getThreadsCount(),
      files: relative(ROOT, dist),
      ...(error ? { error } : {}),
    };
    if (error) throw new Error(`the TF.js wasm backend did not start: ${error}`);
  }
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
  }
  return tf;
}

function buildTfjsModel(t: typeof TF, spec: ModelSpec): TF.Sequential {
  const model = t.sequential();
  let first = true;
  const inputShape = () => (first ? { inputShape: spec.input } : {});
  for (const l of spec.layers as LayerSpec[]) {
    const act = (relu: boolean) => (relu ? "relu" : "linear");
    if (l.kind === "dense") model.add(t.layers.dense({ ...inputShape(), units: l.units, activation: act(l.relu) }));
    else if (l.kind === "conv2d") model.add(t.layers.conv2d({ ...inputShape(), filters: l.filters, kernelSize: l.kernel, activation: act(l.relu) }));
    else if (l.kind === "maxpool") model.add(t.layers.maxPooling2d({ ...inputShape(), poolSize: l.size }));
    else model.add(t.layers.flatten(inputShape()));
    first = false;
  }
  return model;
}

// ---- the benchmark -------------------------------------------------------------------------

interface Cell {
  status: "ok" | "cannot" | "skipped";
  reason?: string;
  timing?: Timing;
  losses?: number[];
}
interface ModelResult {
  spec: ModelSpec;
  className: string;
  compileMs: number;
  flops: { forward: number; step: number };
  cells: Record<Task, Partial<Record<ImplName, Cell>>>;
}

function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const near = (a: number, b: number, rel: number, abs: number) => Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float32Array(a.length));
const allFinite = (xs: ArrayLike<number>) => Array.prototype.every.call(xs, (x: number) => Number.isFinite(x));

function lossChecks(impl: ImplName, spec: ModelSpec, losses: number[]) {
  const first = losses[0]!, last = losses[losses.length - 1]!;
  check(`${spec.key} ${impl}: every training loss is finite`, allFinite(losses), `${losses.length} steps, first ${first}, last ${last}`);
  check(`${spec.key} ${impl}: the loss decreases over the steps on one batch`, last < first, `${first.toFixed(5)} → ${last.toFixed(5)} after ${losses.length} steps`);
}

const results: ModelResult[] = [];
for (const spec of specs) {
  out(`\n${spec.title} (${spec.dnn}) …`);
  const { cls, compileMs } = await compileModel(spec);
  const shapes = stepShapes.get(spec.key)!;
  const flops = { forward: sumFlops(shapes.forward), step: sumFlops(shapes.forward) + sumFlops(shapes.backward) };
  const r: ModelResult = { spec, className: cls.name, compileMs, flops, cells: { step: {}, forward: {} } };
  results.push(r);

  // The generated model has the architecture the TF.js side is built from.
  const paramShapes = cls.parameters.map((p) => p.shape);
  check(
    `${spec.key}: dnnc's parameters have the spec's shapes`,
    JSON.stringify(paramShapes) === JSON.stringify(shapes.paramShapes),
    `dnnc ${JSON.stringify(paramShapes)}, spec ${JSON.stringify(shapes.paramShapes)}`,
  );
  const inputName = cls.inputs[0]!.name, outputName = cls.outputs[0]!.name, targetName = cls.targets[0]!.name;

  // One random batch: pixel-like inputs in [0, 1), labels uniform over the classes.
  const rand = seeded(spec.key === "mlp" ? 101 : 202);
  const inputSize = spec.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: BATCH * inputSize }, rand);
  const y = Int32Array.from({ length: BATCH }, () => Math.floor(rand() * spec.classes));

  // dnnc: the reference logits and the initial weights every implementation starts from.
  const model = cls.create({ seed: SEED });
  const weights = cls.parameters.map((p) => model.getParameter(p.name));
  const refLogits = model.forward({ [inputName]: x })[outputName]!;
  check(`${spec.key} dnnc: forward gives ${BATCH}×${spec.classes} finite logits`, refLogits.length === BATCH * spec.classes && allFinite(refLogits), `${refLogits.length} values`);
  let refLoss: number | undefined;

  out(`  the matmul ceiling on the step's products …`);
  await timeModelCeiling(spec);
  for (const impl of impls) {
    if (impl === "dnnc") {
      out(`  dnnc: forward …`);
      const t = await measure(() => model.forward({ [inputName]: x }), policy);
      r.cells.forward.dnnc = { status: "ok", timing: t };
      out(`  dnnc: train step …`);
      const losses: number[] = [];
      const ts = await measure(() => losses.push(model.trainStep({ [inputName]: x, [targetName]: y })), policy);
      r.cells.step.dnnc = { status: "ok", timing: ts, losses };
      refLoss = losses[0];
      lossChecks("dnnc", spec, losses);
      continue;
    }
    const backend = impl === "tfjs-cpu" ? "cpu" : "wasm";
    let t: typeof TF;
    try {
      t = await tfjs(backend);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      check(`${impl} starts`, false, reason);
      for (const task of TASKS) r.cells[task][impl] = { status: "cannot", reason };
      continue;
    }
    const tm = buildTfjsModel(t, spec);
    const tfShapes = tm.weights.map((w) => w.shape);
    check(`${spec.key} ${impl}: the Keras model's weights have dnnc's shapes`, JSON.stringify(tfShapes) === JSON.stringify(paramShapes), JSON.stringify(tfShapes));
    check(`${spec.key} ${impl}: countParams() is ${spec.params}`, tm.countParams() === spec.params, String(tm.countParams()));
    tm.setWeights(weights.map((w, i) => t.tensor(w, tfShapes[i] as number[])));
    // Sparse softmax cross-entropy on the logits, as dnnc's sparse_cross_entropy: TF.js has no
    // sparse form, so the labels go in one-hot (encoded once, outside the timed calls).
    tm.compile({
      optimizer: t.train.adam(LR),
      loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => t.losses.softmaxCrossEntropy(yTrue, yPred, undefined, undefined, t.Reduction.NONE),
    });
    const xT = t.tensor(x, [BATCH, ...spec.input]);
    const yT = t.tidy(() => t.oneHot(t.tensor1d(y, "int32"), spec.classes).toFloat());
    const predict = () => {
      const p = tm.predict(xT, { batchSize: BATCH }) as TF.Tensor;
      const v = p.dataSync() as Float32Array;
      p.dispose();
      return v;
    };
    const logits = predict();
    const diff = maxAbsDiff(logits, refLogits);
    check(`${spec.key} ${impl}: the same logits as dnnc from the same weights`, logits.length === refLogits.length && diff <= 1e-4 + 1e-3 * maxAbs(refLogits), `max |Δ| ${diff.toExponential(2)} (logits up to ${maxAbs(refLogits).toFixed(3)})`);

    out(`  ${impl}: forward …`);
    let tensors = 0;
    const noLeak = (what: string) => check(`${spec.key} ${impl}: ${what} leaks no tensors`, t.memory().numTensors === tensors, `${tensors} → ${t.memory().numTensors} tensors`);
    r.cells.forward[impl] = { status: "ok", timing: await measure(predict, policy, () => void (tensors = t.memory().numTensors)) };
    noLeak("predict");

    if (QUICK && impl === "tfjs-cpu" && spec.key === "cnn") {
      r.cells.step[impl] = { status: "skipped", reason: "--quick (a step takes ~30 s)" };
    } else {
      out(`  ${impl}: train step …`);
      const losses: number[] = [];
      try {
        const ts = await measure(async () => losses.push((await tm.trainOnBatch(xT, yT)) as number), policy, () => void (tensors = t.memory().numTensors));
        r.cells.step[impl] = { status: "ok", timing: ts, losses };
        noLeak("trainOnBatch");
        lossChecks(impl, spec, losses);
        if (refLoss !== undefined) check(`${spec.key} ${impl}: the first loss equals dnnc's`, near(losses[0]!, refLoss, 1e-3, 1e-5), `${losses[0]} vs dnnc ${refLoss}`);
      } catch (e) {
        const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
        r.cells.step[impl] = { status: "cannot", reason };
        out(`  ${impl}: cannot train: ${reason}`);
      }
    }
    xT.dispose();
    yT.dispose();
    tm.dispose();
  }
}
rmSync(genDir, { recursive: true, force: true });
const loadAfter = loadavg();

// ---- report --------------------------------------------------------------------------------

const fmtMs = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtRatio = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + "×";
const pct = (x: number) => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
const gf = (flops: number, ms: number) => flops / ms / 1e6;

/** CPU-time median of impl over dnnc's, for a task: > 1 means dnnc is faster. */
function ratio(m: ModelResult, task: Task, impl: ImplName): number | undefined {
  const a = m.cells[task][impl]?.timing, d = m.cells[task].dnnc?.timing;
  return a && d ? a.cpuMedian / d.cpuMedian : undefined;
}

out("");
out(`TensorFlow.js ${tf ? tf.version.tfjs : "(not loaded)"}${wasmInfo ? `; wasm backend: ${wasmInfo.binary ?? "?"} (${wasmInfo.bytes?.toLocaleString("en-US") ?? "?"} bytes, from ${wasmInfo.files}/), SIMD ${wasmInfo.simd ? "yes" : "no"}, multithread support ${wasmInfo.multithread ? "yes" : "no"}, threads ${wasmInfo.threads}` : ""}`);
out(`times: median and p90 of the timed reps (after warm-up), wall clock; "CPU" is the process's CPU-time median; ratios use CPU time (> 1: dnnc is faster)`);
out("");
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
out(table(header, rows, [false, false, false, true, true, true, true, true, true]));

out("");
out(`plain-JS matmul ceiling (bench/lib/matmul.ts: 4×4 register tiles, packed operands), CPU-time medians`);
const crow: string[][] = ceilingShapes.map((g) => [g.what, `${(g.flops / 1e6).toFixed(1)} MFLOP`, fmtMs(g.cpuMedianMs) + " ms", g.gflops.toFixed(2) + " GFLOP/s"]);
for (const m of results) {
  const c = modelCeilings.get(m.spec.key)!;
  crow.push([`${m.spec.title}: the step's ${c.gemms.length} products back to back`, `${(c.flops / 1e6).toFixed(1)} MFLOP`, fmtMs(c.ms) + " ms", c.gflops.toFixed(2) + " GFLOP/s"]);
}
out(table(["shape", "work", "time", "rate"], crow, [false, true, true, true]));

out("");
out(`dnnc's training step against the ceiling (FLOPs: the step's matrix products, forward + backward, no input gradient for the first layer)`);
const against: { model: string; stepFlops: number; dnncMs?: number; dnncGflops?: number; ceilingGflops: number; fraction?: number }[] = [];
for (const m of results) {
  const c = modelCeilings.get(m.spec.key)!;
  const t = m.cells.step.dnnc?.timing;
  const g = t ? gf(m.flops.step, t.cpuMedian) : undefined;
  against.push({ model: m.spec.key, stepFlops: m.flops.step, dnncMs: t?.cpuMedian, dnncGflops: g, ceilingGflops: c.gflops, fraction: g === undefined ? undefined : g / c.gflops });
  out(t && g !== undefined
    ? `  ${m.spec.title}: ${(m.flops.step / 1e6).toFixed(1)} MFLOP in ${fmtMs(t.cpuMedian)} ms = ${g.toFixed(2)} GFLOP/s = ${pct(g / c.gflops)} of the ceiling (${c.gflops.toFixed(2)} GFLOP/s)`
    : `  ${m.spec.title}: (dnnc not measured)`);
}

interface Target {
  what: string;
  value: number | undefined;
  threshold: number;
  status: "PASS" | "FAIL" | "n/a";
  shown: string;
}
const targets: Target[] = [];
function target(what: string, value: number | undefined, threshold: number, shown: (v: number) => string) {
  const status = value === undefined ? "n/a" : value >= threshold ? "PASS" : "FAIL";
  targets.push({ what, value, threshold, status, shown: value === undefined ? "not measured" : shown(value) });
}
const byKey = (k: string) => results.find((m) => m.spec.key === k);
const mlp = byKey("mlp"), cnn = byKey("cnn");
// TF.js's time over dnnc's, three digits: 0.997 is "dnnc 0.3 % slower", not "1.00× faster".
const faster = (v: number) => `TF.js / dnnc = ${v.toPrecision(3)}`;
if (mlp) {
  target("MLP train step ≥ 4× faster than TF.js cpu", ratio(mlp, "step", "tfjs-cpu"), 4, faster);
  target("MLP train step no slower than TF.js wasm", ratio(mlp, "step", "tfjs-wasm"), 1, faster);
}
if (cnn) target("CNN train step ≥ 50× faster than TF.js cpu", ratio(cnn, "step", "tfjs-cpu"), 50, faster);
for (const a of against) target(`${a.model.toUpperCase()} train step ≥ 60 % of the matmul ceiling`, a.fraction, 0.6, (v) => pct(v));
out("");
out("targets");
for (const t of targets) out(`  ${t.status.padEnd(4)}  ${t.what}: ${t.shown}`);

const failed = checks.filter((c) => !c.ok);
out("");
out(`checks: ${checks.length - failed.length} of ${checks.length} passed${failed.length ? `; FAILED: ${failed.map((c) => c.what).join("; ")}` : ""}`);
out(`load average after: ${load(loadAfter)}`);

// ---- results file --------------------------------------------------------------------------

const jsonPath = option("--json") ?? (QUICK ? join(tmpdir(), "train-speed.quick.json") : join(RESULTS, "train-speed.json"));
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
const json = {
  benchmark: "train-speed",
  date: new Date().toISOString(),
  quick: QUICK,
  command: `node ${relative(ROOT, fileURLToPath(import.meta.url))} ${args.join(" ")}`.trim(),
  machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  // The compiler measured: the commit, and the files under src/ and stdlib/ that differed from it.
  source,
  settings: { batch: BATCH, optimizer: `adam(lr ${LR})`, loss: "sparse softmax cross-entropy", seed: SEED, policy, implementations: impls },
  tfjs: tf ? { version: tf.version.tfjs, wasm: wasmInfo ?? null } : null,
  ceiling: {
    kernel: "bench/lib/matmul.ts: 4×4 register tiles, packed float64 operands, KC ≤ 256, MC = 64",
    shapes: ceilingShapes,
    models: Object.fromEntries([...modelCeilings].map(([k, c]) => [k, { flops: c.flops, ms: c.ms, gflops: c.gflops, gemms: c.gemms }])),
  },
  models: Object.fromEntries(
    results.map((m) => [
      m.spec.key,
      {
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
              Object.entries(m.cells[task]).map(([impl, c]) => [
                impl,
                c.status === "ok" && c.timing
                  ? { status: "ok", ...timingJson(c.timing), gflops: gf(task === "step" ? m.flops.step : m.flops.forward, c.timing.cpuMedian), ...(c.losses ? { lossFirst: c.losses[0], lossLast: c.losses[c.losses.length - 1], steps: c.losses.length } : {}) }
                  : { status: c.status, reason: c.reason },
              ]),
            ),
          ]),
        ),
        ratiosCpu: Object.fromEntries(TASKS.map((task) => [task, { "tfjs-cpu/dnnc": ratio(m, task, "tfjs-cpu") ?? null, "tfjs-wasm/dnnc": ratio(m, task, "tfjs-wasm") ?? null }])),
      },
    ]),
  ),
  againstCeiling: against,
  targets: targets.map(({ shown: _shown, ...t }) => t),
  checks,
};
if (failed.length) {
  out(`not writing ${jsonPath}: ${failed.length} check(s) failed`);
  process.exit(1);
}
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, JSON.stringify(json, roundReplacer, 2) + "\n");
const shown = relative(process.cwd(), jsonPath);
out(`wrote ${shown.startsWith("..") ? jsonPath : shown}`);
if (flag("--strict") && targets.some((t) => t.status === "FAIL")) process.exit(1);

// ---- helpers -------------------------------------------------------------------------------

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model.trim() ?? "unknown CPU";
}

function gitState(): { commit: string | null; dirty: string[] } {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8" });
  const head = git("rev-parse", "HEAD");
  if (head.status !== 0) return { commit: null, dirty: [] };
  const status = git("status", "--porcelain", "--", "src", "stdlib");
  return { commit: head.stdout.trim(), dirty: status.stdout.split("\n").filter(Boolean).map((l) => l.slice(3)) };
}

function safeSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

function roundReplacer(_k: string, v: unknown) {
  if (typeof v !== "number" || Number.isInteger(v)) return v;
  const a = Math.abs(v);
  return a >= 100 ? Math.round(v * 10) / 10 : Number(v.toPrecision(4));
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
