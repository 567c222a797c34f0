// Does the second core pay? dnnc's generated training step on one thread and on two
// (create({ threads: 2, workerThreads })), batch 64, for the MLP 784-256-128-10 and the Keras
// MNIST CNN, on each CPU target (ts, wasm), in one process. Issue 18's target: two threads ≥ 1.7×
// one thread on the CNN step (wasm). Unlike train-speed this benchmark is not pinned to one CPU: it
// needs both. Both models start from the same weights and see the same batch, and the benchmark
// checks that every loss is bit-identical between them (exit 1 otherwise). Wall-clock times (CPU
// time counts both threads' work, so it cannot show a speedup), taken in alternating blocks of
// back-to-back steps — one thread, two threads, one, two… — so that a shared host's slow and fast
// spells fall on both alike; each block's first step (after the other model's block) is not
// counted. The two models come from two instances of the generated module (its thread pool is
// per module instance). Reported: the medians of the blocks' mean step times and of each round's
// ratio.
//
//   npm run bench -- --only threads
//   npx tsx bench/threads.ts [--models mlp,cnn] [--targets ts,wasm] [--json FILE]
import * as workerThreads from "node:worker_threads";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileModel, type GeneratedClass } from "./lib/dnnc-runner.ts";
import { mulberry32 } from "./lib/random.ts";
import { quantile } from "./lib/timing.ts";
import { CNN, MLP, type ModelSpec } from "./lib/train-models.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BATCH = 64;
/** Steps per block (the first one not counted), rounds of one block each way to warm up, and how many rounds to time. */
const BLOCK = 5;
const WARMUP_ROUNDS = 2;
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 40;
const BUDGET_MS = 15000;
const args = process.argv.slice(2);
const at = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const models = [MLP, CNN].filter((m) => (at("--models") ?? "mlp,cnn").split(",").includes(m.key));
const targets = (at("--targets") ?? "ts,wasm").split(",");
const jsonPath = at("--json") ?? join(ROOT, "bench", "results", "threads.json");

type Threaded = GeneratedClass & { create(o: { seed: number; threads?: number; workerThreads?: unknown }): ReturnType<GeneratedClass["create"]> };

async function run(spec: ModelSpec, target: string, out: string) {
  const { cls, file } = await compileModel(ROOT, spec.dnn, join(out, spec.key), target);
  const M = cls as Threaded;
  // A second instance of the module (a copy: a loader may key modules by path alone), for the threaded model.
  const copy = file.replace(/\.ts$/, "_threads.ts");
  copyFileSync(file, copy);
  const M2 = (await import(pathToFileURL(copy).href))[M.name] as Threaded;
  const rand = mulberry32(7);
  const x = Float32Array.from({ length: BATCH * spec.input.reduce((a, b) => a * b, 1) }, () => rand());
  const y = Int32Array.from({ length: BATCH }, () => Math.floor(rand() * spec.classes));
  const losses: [number[], number[]] = [[], []];
  const models = [M.create({ seed: 1 }), M2.create({ seed: 1, threads: 2, workerThreads })] as const;
  const blocks: [number[], number[]] = [[], []];
  const ratios: number[] = [];
  const block = (i: 0 | 1): number => {
    let ms = 0;
    for (let s = 0; s < BLOCK; s++) {
      const t0 = performance.now();
      losses[i].push(models[i].trainStep({ x, y }));
      if (s > 0) ms += performance.now() - t0;
    }
    blocks[i].push(ms / (BLOCK - 1));
    return ms / (BLOCK - 1);
  };
  for (let r = 0; r < WARMUP_ROUNDS; r++) block(0), block(1);
  blocks[0].length = blocks[1].length = 0;
  const start = performance.now();
  while (ratios.length < MIN_ROUNDS || (ratios.length < MAX_ROUNDS && performance.now() - start < BUDGET_MS)) ratios.push(block(0) / block(1));
  const [t1, t2] = [{ median: quantile(blocks[0], 0.5), reps: blocks[0].length * (BLOCK - 1) }, { median: quantile(blocks[1], 0.5), reps: blocks[1].length * (BLOCK - 1) }];
  // Same weights, same batch, same number of steps: the same losses, bit for bit.
  const n = Math.min(losses[0].length, losses[1].length);
  for (let i = 0; i < n; i++) if (losses[0][i] !== losses[1][i]) throw new Error(`${spec.title}: step ${i + 1} loss ${losses[1][i]} on two threads, ${losses[0][i]} on one`);
  return { model: spec.title, target, oneThreadMs: t1.median, twoThreadsMs: t2.median, speedup: quantile(ratios, 0.5), reps: [t1.reps, t2.reps], identicalSteps: n };
}

const out = mkdtempSync(join(tmpdir(), "dnnc-threads-"));
try {
  const machine = `${cpus()[0]?.model ?? "?"}, ${cpus().length} CPUs, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
  process.stdout.write(`${machine}\n\n| model | target | 1 thread, ms | 2 threads, ms | speedup | identical losses |\n|---|---|---:|---:|---:|---:|\n`);
  const results = [];
  for (const spec of models)
    for (const target of targets) {
      const r = await run(spec, target, out);
      results.push(r);
      process.stdout.write(`| ${r.model} | ${target} | ${r.oneThreadMs.toFixed(1)} | ${r.twoThreadsMs.toFixed(1)} | ${r.speedup.toFixed(2)}× | ${r.identicalSteps} steps |\n`);
    }
  const cnn = results.find((r) => r.model === CNN.title && r.target === "wasm");
  if (cnn) process.stdout.write(`\n${cnn.speedup >= 1.7 ? "PASS" : "FAIL"}  wasm: two threads ≥ 1.7× one thread on the CNN step: ${cnn.speedup.toFixed(2)}×\n`);
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), machine, batch: BATCH, results }, null, 2) + "\n");
} finally {
  rmSync(out, { recursive: true, force: true });
}
