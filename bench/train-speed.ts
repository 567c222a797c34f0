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
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import { allFinite, checkRecorder, maxAbs, maxAbsDiff, near } from "./lib/agreement.ts";
import { againstCeiling, timeGemm, timeStepCeiling, type GemmTiming, type ModelCeiling } from "./lib/ceiling.ts";
import { compileModel } from "./lib/dnnc-runner.ts";
import { checkMatmul } from "./lib/matmul.ts";
import { pinToOneCpu } from "./lib/pin.ts";
import { mulberry32 } from "./lib/random.ts";
import { againstLine, ceilingTable, pct, resultsTable, targetLines, tfjsLine } from "./lib/report.ts";
import { buildTfjsModel, loadedTfjs, tfjs } from "./lib/tfjs-backends.ts";
import { modelJson, roundReplacer } from "./lib/results-json.ts";
import { measure, type Policy } from "./lib/timing.ts";
import { CNN, MLP, stepGemms, sumFlops, type ModelSpec } from "./lib/train-models.ts";
import { IMPLS, TASKS, ratio, type ImplName, type ModelResult, type Target } from "./lib/train-results.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench", "results");
const BATCH = 64;
const LR = 0.001;
const SEED = 1;

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

// Single-thread comparisons: pinned to one CPU where `taskset` allows (a child process runs the rest).
const pinned = pinToOneCpu(fileURLToPath(import.meta.url), args, flag("--no-pin"));

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

// Correctness assertions, all recorded; any failure exits 1 at the end.
const { checks, check } = checkRecorder(out);

// ---- 3. the plain-JS matmul ceiling ----------------------------------------------------------

try {
  checkMatmul();
  check("the ceiling's matmul agrees with the naive triple loop", true, "bench/lib/matmul.ts checkMatmul(), edge-case shapes");
} catch (e) {
  check("the ceiling's matmul agrees with the naive triple loop", false, e instanceof Error ? e.message : String(e));
}

const gemmPolicy: Policy = { warmupMs: QUICK ? 0 : 100, maxWarmup: 3, minReps: 3, maxReps: QUICK ? 5 : 25, budgetMs: QUICK ? 50 : 300 };
const specs = [MLP, CNN].filter((s) => modelKeys.includes(s.key));
const stepShapes = new Map(specs.map((s) => [s.key, stepGemms(s, BATCH)]));
const ceilingShapes: GemmTiming[] = [];
for (const g of [
  { what: `64×784 · 784×256 (the MLP's first layer)`, M: 64, K: 784, N: 256 },
  { what: "512×512 · 512×512", M: 512, K: 512, N: 512 },
]) ceilingShapes.push(await timeGemm(g, gemmPolicy));
// Each model's own ceiling is timed just before dnnc runs that model (below), so both see the same load.
const modelCeilings = new Map<string, ModelCeiling>();

// ---- the benchmark -------------------------------------------------------------------------

function lossChecks(impl: ImplName, spec: ModelSpec, losses: number[]) {
  const first = losses[0]!, last = losses[losses.length - 1]!;
  check(`${spec.key} ${impl}: every training loss is finite`, allFinite(losses), `${losses.length} steps, first ${first}, last ${last}`);
  check(`${spec.key} ${impl}: the loss decreases over the steps on one batch`, last < first, `${first.toFixed(5)} → ${last.toFixed(5)} after ${losses.length} steps`);
}

const genDir = mkdtempSync(join(tmpdir(), "dnnc-train-speed-"));
const results: ModelResult[] = [];
for (const spec of specs) {
  out(`\n${spec.title} (${spec.dnn}) …`);
  const { cls, compileMs } = await compileModel(ROOT, spec.dnn, genDir).catch((e: Error) => fail(e.message));
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
  const rand = mulberry32(spec.key === "mlp" ? 101 : 202);
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
  modelCeilings.set(spec.key, await timeStepCeiling(shapes, gemmPolicy));
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

const tfLoaded = loadedTfjs();
out("");
out(tfjsLine(tfLoaded?.tf.version.tfjs, tfLoaded?.wasm));
out(`times: median and p90 of the timed reps (after warm-up), wall clock; "CPU" is the process's CPU-time median; ratios use CPU time (> 1: dnnc is faster)`);
out("");
out(resultsTable(results, impls));

out("");
out(`plain-JS matmul ceiling (bench/lib/matmul.ts: 4×4 register tiles, packed operands), CPU-time medians`);
out(ceilingTable(ceilingShapes, results.map((m) => ({ title: m.spec.title, ceiling: modelCeilings.get(m.spec.key)! }))));

out("");
out(`dnnc's training step against the ceiling (FLOPs: the step's matrix products, forward + backward, no input gradient for the first layer)`);
const against = results.map((m) => againstCeiling(m, modelCeilings.get(m.spec.key)!));
results.forEach((m, i) => out(againstLine(m.spec.title, against[i]!)));

// ---- targets (issue 5) -----------------------------------------------------------------------

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
for (const line of targetLines(targets)) out(line);

const failed = checks.filter((c) => !c.ok);
out("");
out(`checks: ${checks.length - failed.length} of ${checks.length} passed${failed.length ? `; FAILED: ${failed.map((c) => c.what).join("; ")}` : ""}`);
out(`load average after: ${load(loadAfter)}`);

// ---- results file --------------------------------------------------------------------------

const jsonPath = option("--json") ?? (QUICK ? join(tmpdir(), "train-speed.quick.json") : join(RESULTS, "train-speed.json"));
const json = {
  benchmark: "train-speed",
  date: new Date().toISOString(),
  quick: QUICK,
  command: `node ${relative(ROOT, fileURLToPath(import.meta.url))} ${args.join(" ")}`.trim(),
  machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  // The compiler measured: the commit, and the files under src/ and stdlib/ that differed from it.
  source,
  settings: { batch: BATCH, optimizer: `adam(lr ${LR})`, loss: "sparse softmax cross-entropy", seed: SEED, policy, implementations: impls },
  tfjs: tfLoaded ? { version: tfLoaded.tf.version.tfjs, wasm: tfLoaded.wasm ?? null } : null,
  ceiling: {
    kernel: "bench/lib/matmul.ts: 4×4 register tiles, packed float64 operands, KC ≤ 256, MC = 64",
    shapes: ceilingShapes,
    models: Object.fromEntries([...modelCeilings].map(([k, c]) => [k, { flops: c.flops, ms: c.ms, gflops: c.gflops, gemms: c.gemms }])),
  },
  models: Object.fromEntries(results.map((m) => [m.spec.key, modelJson(m)])),
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

/** The commit measured, and the files under src/ and stdlib/ that differ from it. */
function gitState(): { commit: string | null; dirty: string[] } {
  const git = (...a: string[]) => spawnSync("git", a, { cwd: ROOT, encoding: "utf8" });
  const head = git("rev-parse", "HEAD");
  if (head.status !== 0) return { commit: null, dirty: [] };
  const status = git("status", "--porcelain", "--", "src", "stdlib");
  return { commit: head.stdout.trim(), dirty: status.stdout.split("\n").filter(Boolean).map((l) => l.slice(3)) };
}
