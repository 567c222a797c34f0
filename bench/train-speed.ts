// How fast does dnnc's generated code train on the CPU? Side by side, in one process, batch 64,
// Adam(lr 0.001), sparse softmax cross-entropy:
//
//   1. an MLP 784-256(relu)-128(relu)-10 (bench/models/mlp_784.dnn) and
//   2. the Keras MNIST CNN (samples/mnist_cnn.dnn, 93,322 parameters),
//
// each as one training step and as inference (a forward pass), for
//
//   dnnc-<target>  the module generated for each CPU target of the registry (src/backend/targets.ts)
//                  whose API is the TS target's — synchronous, no device: dnnc-ts, and dnnc-wasm
//                  once that target exists (--dnnc-targets picks) — through its public API only
//                  (create, forward, trainStep, get/setParameter), whatever the backend does inside;
//   tfjs-cpu       TensorFlow.js 4.22, pure-JavaScript CPU backend, layers API (tf.sequential,
//                  model.compile, model.trainOnBatch for a step, model.predict for inference);
//   tfjs-wasm      the same on TensorFlow.js's WebAssembly backend (XNNPACK), one thread, SIMD when
//                  the engine has it; the .wasm binaries are loaded from node_modules, and the one
//                  actually instantiated is reported;
//   pytorch-1t/2t  PyTorch 1.13 on the CPU (Debian's python3-torch, `npm run bench:setup`), idiomatic
//                  nn.Sequential + torch.optim.Adam, on one thread pinned to this process's CPU, and
//                  on two threads on two CPUs (bench/lib/pytorch.ts runs bench/lib/torch_train.py);
//                  where it is not installed, the column says so and the run goes on,
//
// and 3. two matmul ceilings, timed on 64×784·784×256, 512×512·512×512 and exactly the matrix
// products of each model's training step: the best plain JavaScript (bench/lib/matmul.ts, a
// register-blocked, packed Float32Array kernel) and WebAssembly SIMD (TF.js wasm's own tf.matMul,
// XNNPACK; bench/lib/wasm-ceiling.ts), against which each dnnc target's achieved GFLOP/s is set.
//
// Every implementation starts from the same weights (the first dnnc target's create({ seed: 1 }),
// copied into the others) and sees the same random batch, so the benchmark also checks that they
// compute the same thing: equal logits before training, equal first losses, finite losses that
// decrease over the timed steps, no leaked TensorFlow.js tensors. A failed check exits 1 (and
// leaves the results file alone); TensorFlow.js failing to train a model (its wasm backend has no
// Conv2DBackpropFilter) is reported as "cannot train", not a failure.
//
// Repetitions adapt to the speed of each case: warm-up calls (at least 1, up to 0.5 s), then timed
// calls until --max-reps or --budget seconds, and never fewer than 3; the table states the count.
// On Linux the benchmark re-runs itself pinned to one CPU with `taskset` (--no-pin to skip): these
// are single-thread comparisons (PyTorch's two-thread run alone gets a second CPU). Every call is
// timed twice, wall clock and process CPU time; the ratios and the targets (bench/lib/train-targets.ts)
// use the CPU-time medians (the wall time also counts other tenants). Results go to
// bench/results/train-speed.json (committed: the latest full run).
//
//   npm run bench:setup                            # once: PyTorch for the anchor (scripts/setup-bench.sh)
//   npm run bench -- --only train-speed            # the full run, a few minutes
//   npm run bench -- --only train-speed --quick    # smoke run: few reps, no TF.js-cpu CNN training
//   npx tsx bench/train-speed.ts [--quick] [--impl dnnc,tfjs,pytorch] [--dnnc-targets ts,wasm] [--models mlp,cnn]
//                                [--budget SECONDS] [--max-reps N] [--json FILE] [--no-pin] [--strict]
//
// --impl takes dnnc, dnnc-<target>, tfjs-cpu, tfjs-wasm, tfjs, pytorch-1t, pytorch-2t, pytorch
// (bench/lib/train-impls.ts). --quick writes its results to the system's temporary folder instead
// (unless --json is given); --strict exits 1 when a target is missed (by default they are only
// reported; issue 18's targets, shown for the TS target for reference, are not counted for it).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { allFinite, checkRecorder } from "./lib/agreement.ts";
import { againstCeiling, timeGemm, timeStepCeiling, type AgainstCeiling, type GemmKernel, type GemmTiming, type ModelCeiling } from "./lib/ceiling.ts";
import { compileModel, runDnnc, synchronousCpuTargets } from "./lib/dnnc-runner.ts";
import { checkMatmul } from "./lib/matmul.ts";
import { pinToOneCpu } from "./lib/pin.ts";
import { probeTorch, runTorch, torchCpus, torchThreads, type TorchRun } from "./lib/pytorch.ts";
import { mulberry32 } from "./lib/random.ts";
import { againstLine, ceilingTable, resultsTable, targetLines, tfjsLine } from "./lib/report.ts";
import { modelJson, roundReplacer } from "./lib/results-json.ts";
import { loadedTfjs, tfjs } from "./lib/tfjs-backends.ts";
import { runTfjs } from "./lib/tfjs-case.ts";
import type { Policy } from "./lib/timing.ts";
import type { ModelCase } from "./lib/train-case.ts";
import { selectImpls } from "./lib/train-impls.ts";
import { CNN, MLP, stepGemms, sumFlops } from "./lib/train-models.ts";
import { dnncImpl, dnncTarget, isDnnc, type ModelResult } from "./lib/train-results.ts";
import { evaluateTargets } from "./lib/train-targets.ts";
import { checkTfjsMatMul, tfjsMatMulKernel } from "./lib/wasm-ceiling.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = join(ROOT, "bench", "results");
const BATCH = 64;
const LR = 0.001;
const EPSILON = 1e-7; // dnnc's adam() default (stdlib/optimizers.dnn) and TF.js's; PyTorch's is 1e-8
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

// dnnc's targets: those of the registry whose module this benchmark can drive (synchronous, on the CPU).
const cpuTargets = await synchronousCpuTargets(join(ROOT, MLP.dnn)).catch((e: Error) => fail(e.message));
let selection: ReturnType<typeof selectImpls>;
try {
  selection = selectImpls(option("--impl"), option("--dnnc-targets"), cpuTargets.targets, cpuTargets.others);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
const { impls, dnncImpls, reference } = selection;
const torch = impls.includes("pytorch-1t") || impls.includes("pytorch-2t") ? probeTorch() : undefined;

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
out(`dnnc targets: ${dnncImpls.map(dnncTarget).join(", ") || `none timed (${reference} compiled for the reference weights)`}${cpuTargets.others.size ? `; not timed here: ${[...cpuTargets.others].map(([t, why]) => `${t} (${why})`).join(", ")}` : ""}`);
if (torch) out(`PyTorch: ${"version" in torch ? `${torch.version} (/usr/bin/python3)` : torch.missing}`);

// Correctness assertions, all recorded; any failure exits 1 at the end.
const { checks, check } = checkRecorder(out);

// ---- 3. the matmul ceilings ------------------------------------------------------------------

try {
  checkMatmul();
  check("the ceiling's matmul agrees with the naive triple loop", true, "bench/lib/matmul.ts checkMatmul(), edge-case shapes");
} catch (e) {
  check("the ceiling's matmul agrees with the naive triple loop", false, e instanceof Error ? e.message : String(e));
}
// The WebAssembly-SIMD ceiling: TF.js's wasm backend, started once (it also runs tfjs-wasm).
let wasmKernel: GemmKernel | undefined;
let wasmUnavailable: string | undefined;
try {
  const t = await tfjs("wasm");
  checkTfjsMatMul(t);
  check("the wasm ceiling's tf.matMul agrees with the naive triple loop", true, "bench/lib/wasm-ceiling.ts checkTfjsMatMul(), edge-case shapes");
  wasmKernel = tfjsMatMulKernel(t);
} catch (e) {
  wasmUnavailable = e instanceof Error ? e.message : String(e);
  check("the WebAssembly-SIMD ceiling runs (TF.js wasm's tf.matMul)", false, wasmUnavailable);
}

const gemmPolicy: Policy = { warmupMs: QUICK ? 0 : 100, maxWarmup: 3, minReps: 3, maxReps: QUICK ? 5 : 25, budgetMs: QUICK ? 50 : 300 };
const specs = [MLP, CNN].filter((s) => modelKeys.includes(s.key));
const stepShapes = new Map(specs.map((s) => [s.key, stepGemms(s, BATCH)]));
const ceilingShapes: { js: GemmTiming; wasm?: GemmTiming }[] = [];
for (const g of [
  { what: `64×784 · 784×256 (the MLP's first layer)`, M: 64, K: 784, N: 256 },
  { what: "512×512 · 512×512", M: 512, K: 512, N: 512 },
]) ceilingShapes.push({ js: await timeGemm(g, gemmPolicy), ...(wasmKernel ? { wasm: await timeGemm(g, gemmPolicy, wasmKernel) } : {}) });
// Each model's own ceilings are timed just before dnnc runs that model (below), so all see the same load.
const modelCeilings = new Map<string, { js: ModelCeiling; wasm?: ModelCeiling }>();

// ---- the benchmark -------------------------------------------------------------------------

const genDir = mkdtempSync(join(tmpdir(), "dnnc-train-speed-"));
const results: ModelResult[] = [];
const torchRuns: Record<string, TorchRun> = {};
for (const spec of specs) {
  out(`\n${spec.title} (${spec.dnn}) …`);
  const shapes = stepShapes.get(spec.key)!;
  const flops = { forward: sumFlops(shapes.forward), step: sumFlops(shapes.forward) + sumFlops(shapes.backward) };
  // Every dnnc target timed, and the reference (compiled for its weights even when not timed).
  const compiled = new Map<string, Awaited<ReturnType<typeof compileModel>>>();
  for (const target of new Set([reference, ...dnncImpls.map(dnncTarget)]))
    compiled.set(target, await compileModel(ROOT, spec.dnn, genDir, target).catch((e: Error) => fail(e.message)));
  const ref = compiled.get(reference)!;
  const r: ModelResult = { spec, className: ref.cls.name, compileMs: ref.compileMs, flops, cells: { step: {}, forward: {} } };
  results.push(r);

  // The generated model has the architecture the other implementations are built from.
  const cls = ref.cls;
  const paramShapes = cls.parameters.map((p) => p.shape as number[]);
  check(
    `${spec.key}: dnnc's parameters have the spec's shapes`,
    JSON.stringify(paramShapes) === JSON.stringify(shapes.paramShapes),
    `dnnc ${JSON.stringify(paramShapes)}, spec ${JSON.stringify(shapes.paramShapes)}`,
  );
  const inputName = cls.inputs[0]!.name, outputName = cls.outputs[0]!.name;

  // One random batch: pixel-like inputs in [0, 1), labels uniform over the classes.
  const rand = mulberry32(spec.key === "mlp" ? 101 : 202);
  const inputSize = spec.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: BATCH * inputSize }, rand);
  const y = Int32Array.from({ length: BATCH }, () => Math.floor(rand() * spec.classes));

  // The reference: the initial weights every implementation starts from, and its logits.
  const refModel = cls.create({ seed: SEED });
  const weights = cls.parameters.map((p) => refModel.getParameter(p.name));
  const refLogits = refModel.forward({ [inputName]: x })[outputName]!;
  const refImpl = dnncImpl(reference);
  check(`${spec.key} ${refImpl}: forward gives ${BATCH}×${spec.classes} finite logits`, refLogits.length === BATCH * spec.classes && allFinite(refLogits), `${refLogits.length} values`);
  const c: ModelCase = { spec, batch: BATCH, lr: LR, epsilon: EPSILON, x, y, weights, paramShapes, refImpl, refLogits, policy, quick: QUICK, cells: r.cells, check, out };

  out(`  the matmul ceilings on the step's products …`);
  modelCeilings.set(spec.key, { js: await timeStepCeiling(shapes, gemmPolicy), ...(wasmKernel ? { wasm: await timeStepCeiling(shapes, gemmPolicy, wasmKernel) } : {}) });
  for (const impl of impls) {
    if (isDnnc(impl)) await runDnnc(c, impl, compiled.get(dnncTarget(impl))!.cls, impl === refImpl ? refModel : undefined);
    else if (impl === "tfjs-cpu" || impl === "tfjs-wasm") await runTfjs(c, impl);
    else {
      const run = runTorch(c, impl, torch!, torchCpus(torchThreads(impl), pinned), genDir);
      if (run) torchRuns[`${spec.key} ${impl}`] = run;
    }
  }
}
rmSync(genDir, { recursive: true, force: true });
const loadAfter = loadavg();

// ---- report --------------------------------------------------------------------------------

const tfLoaded = loadedTfjs();
out("");
out(tfjsLine(tfLoaded?.tf.version.tfjs, tfLoaded?.wasm));
const firstTorch = Object.values(torchRuns)[0];
if (firstTorch) out(`PyTorch ${firstTorch.torch}, BLAS ${firstTorch.blas.join(", ") || "(none loaded)"}: ${Object.entries(torchRuns).map(([k, r]) => `${k} on CPU ${r.cpus.join(",")}`).join("; ")}`);
out(`times: median and p90 of the timed reps (after warm-up), wall clock; "CPU" is the process's CPU-time median; ratios use CPU time (> 1: dnnc is faster)`);
out("");
out(resultsTable(results, impls, dnncImpls));

out("");
out(`matmul ceilings, GFLOP/s from CPU-time medians: plain JS (bench/lib/matmul.ts: 4×4 register tiles, packed operands) and wasm SIMD (TF.js wasm's tf.matMul, XNNPACK${wasmUnavailable ? `: not measured, ${wasmUnavailable}` : tfLoaded?.wasm?.simd === false ? ", but this engine's binary has no SIMD" : ""})`);
out(ceilingTable(ceilingShapes, results.map((m) => ({ title: m.spec.title, ...modelCeilings.get(m.spec.key)! }))));

out("");
out(`dnnc's training step against the ceilings (FLOPs: the step's matrix products, forward + backward, no input gradient for the first layer)`);
const against: AgainstCeiling[] = [];
for (const impl of dnncImpls)
  for (const m of results) {
    const c = modelCeilings.get(m.spec.key)!;
    against.push(againstCeiling(m, impl, "js", c.js));
    if (c.wasm) against.push(againstCeiling(m, impl, "wasm", c.wasm));
  }
for (const a of against) out(againstLine(results.find((m) => m.spec.key === a.model)!.spec.title, a));

// ---- targets (issues 5 and 18) ---------------------------------------------------------------

const targets = evaluateTargets(results, dnncImpls, against);
out("");
out("targets (ratios of CPU-time medians; \"ref\": issue 18's targets on the TS target, for reference, not counted by --strict)");
for (const line of targetLines(targets)) out(line);

const failed = checks.filter((c) => !c.ok);
out("");
out(`checks: ${checks.length - failed.length} of ${checks.length} passed${failed.length ? `; FAILED: ${failed.map((c) => c.what).join("; ")}` : ""}`);
out(`load average after: ${load(loadAfter)}`);

// ---- results file --------------------------------------------------------------------------

const ceilingJson = (which: "js" | "wasm") =>
  Object.fromEntries([...modelCeilings].flatMap(([k, c]) => (c[which] ? [[k, { flops: c[which].flops, ms: c[which].ms, gflops: c[which].gflops, gemms: c[which].gemms }]] : [])));
const jsonPath = option("--json") ?? (QUICK ? join(tmpdir(), "train-speed.quick.json") : join(RESULTS, "train-speed.json"));
const json = {
  benchmark: "train-speed",
  date: new Date().toISOString(),
  quick: QUICK,
  command: `node ${relative(ROOT, fileURLToPath(import.meta.url))} ${args.join(" ")}`.trim(),
  machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  // The compiler measured: the commit, and the files under src/ and stdlib/ that differed from it.
  source,
  settings: { batch: BATCH, optimizer: `adam(lr ${LR}, epsilon ${EPSILON})`, loss: "sparse softmax cross-entropy", seed: SEED, policy, implementations: impls, dnncReference: reference },
  tfjs: tfLoaded ? { version: tfLoaded.tf.version.tfjs, wasm: tfLoaded.wasm ?? null } : null,
  pytorch: torch ? ("version" in torch ? { version: torch.version, python: "/usr/bin/python3", runs: torchRuns } : { missing: torch.missing }) : null,
  ceiling: {
    kernel: "bench/lib/matmul.ts: 4×4 register tiles, packed float64 operands, KC ≤ 256, MC = 64",
    shapes: ceilingShapes.map((s) => s.js),
    models: ceilingJson("js"),
  },
  wasmCeiling: wasmUnavailable
    ? { missing: wasmUnavailable }
    : {
        kernel: "TF.js wasm tf.matMul (XNNPACK fully-connected; B packed once per shape, cached on its tensor)",
        binary: tfLoaded?.wasm?.binary ?? null,
        simd: tfLoaded?.wasm?.simd ?? null,
        shapes: ceilingShapes.map((s) => s.wasm),
        models: ceilingJson("wasm"),
      },
  models: Object.fromEntries(results.map((m) => [m.spec.key, modelJson(m, dnncImpls)])),
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
if (flag("--strict") && targets.some((t) => t.binding && t.status === "FAIL")) process.exit(1);

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
