// What do the generated module's boundary checks cost? Every method that takes an i32 input or
// target checks each value against the range its uses need (src/ir/index-ranges.ts, one pass
// over the array: docs/generated-api.md). Here, at batch 64, for
//
//   1. the MLP 784-256-128-10 (bench/models/mlp_784.dnn): 64 labels per step, and
//   2. a text classifier with a 5,000-row embedding (bench/models/text_classifier.dnn):
//      64·64 token ids and 64 labels per step,
//
// the cost of the checks is set against a training step two ways:
//
//   direct   the checks alone — the very helper pasted into every module
//            (src/runtime/input-checks.ts), called on the step's arrays with the model's
//            ranges — over the step's time without them: precise, it times microseconds;
//   A/B      the generated module against the same module with its checkIndices calls removed,
//            step against step, interleaved in rounds (median of the rounds' medians): the whole
//            effect, but a difference of a few per cent is within a shared machine's noise.
//
// Times are process CPU time (the wall time also counts a shared machine's other tenants).
// Both modules must report the same loss bit for bit, and the unchecked one must lack exactly the
// calls the checked one has, or the run fails (exit 1). The goal is under 2 % of a step.
//
//   npm run bench -- --only boundary-checks            # results in bench/results/boundary-checks.json
//   npx tsx bench/boundary-checks.ts [--quick] [--rounds N] [--no-pin]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "../src/compiler.ts";
import { checkIndices } from "../src/runtime/input-checks.ts";
import { compileModel, type GeneratedClass } from "./lib/dnnc-runner.ts";
import { pinToOneCpu } from "./lib/pin.ts";
import { mulberry32 } from "./lib/random.ts";
import { measure, quantile, type Policy } from "./lib/timing.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BATCH = 64;
const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
const roundsAt = args.indexOf("--rounds");
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : QUICK ? 3 : 9;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  process.stderr.write(`boundary-checks: --rounds needs a positive integer, got ${args[roundsAt + 1]}\n`);
  process.exit(1);
}
const pinned = pinToOneCpu(fileURLToPath(import.meta.url), args, args.includes("--no-pin"));
const policy: Policy = { warmupMs: QUICK ? 0 : 300, maxWarmup: 5, minReps: 3, maxReps: QUICK ? 5 : 30, budgetMs: QUICK ? 300 : 1500 };

const MODELS = [
  { title: "MLP 784-256-128-10", dnn: "bench/models/mlp_784.dnn" },
  { title: "text classifier, 5,000-row embedding", dnn: "bench/models/text_classifier.dnn" },
];

type Batch = Record<string, Float32Array | Int32Array>;

/** A valid batch for `cls`: floats in [0, 1), integers in the range the model's checks need. */
function batchFor(cls: GeneratedClass, below: Map<string, number>): Batch {
  const rand = mulberry32(5);
  const out: Batch = {};
  for (const t of [...cls.inputs, ...cls.targets]) {
    const n = t.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : BATCH), 1);
    out[t.name] = t.dtype === "i32" ? Int32Array.from({ length: n }, () => Math.floor(rand() * (below.get(t.name) ?? 10))) : Float32Array.from({ length: n }, rand);
  }
  return out;
}

const failures: string[] = [];
const results = [];
const dir = mkdtempSync(join(tmpdir(), "dnnc-bench-checks-"));
try {
  for (const spec of MODELS) {
    const compiled = compile(join(ROOT, spec.dnn)).models[0]!;
    const ranges = compiled.indexRanges.map((r) => {
      if (r.below.length !== 1 || typeof r.below[0] !== "number") throw new Error(`${spec.dnn}: ${r.name}'s range is symbolic`);
      return { name: r.name, below: r.below[0], why: r.why };
    });
    const checked = await compileModel(ROOT, spec.dnn, dir);
    // The same module without its checks.
    const text = readFileSync(checked.file, "utf8");
    const calls = text.split("\n").filter((l) => /^\s*checkIndices\(/.test(l)).length;
    const bare = text.split("\n").filter((l) => !/^\s*checkIndices\(/.test(l)).join("\n");
    const bareFile = checked.file.replace(/\.ts$/, "_unchecked.ts");
    writeFileSync(bareFile, bare);
    const Unchecked = ((await import(pathToFileURL(bareFile).href)) as Record<string, GeneratedClass>)[checked.cls.name]!;
    if (calls === 0 || ranges.length === 0) failures.push(`${spec.dnn}: no checks to measure (${calls} calls, ${ranges.length} ranges)`);

    const batch = batchFor(checked.cls, new Map(ranges.map((r) => [r.name, r.below])));
    const [a, b] = [checked.cls.create({ seed: 1 }), Unchecked.create({ seed: 1 })];
    const [la, lb] = [a.trainStep(batch), b.trainStep(batch)];
    if (!Object.is(la, lb) || !Number.isFinite(la)) failures.push(`${spec.dnn}: checked and unchecked steps disagree (${la} vs ${lb})`);

    // Direct: the checks alone, 200 passes per timed call.
    const shapes = new Map([...checked.cls.inputs, ...checked.cls.targets].map((t) => [t.name, t.shape.map((d) => (typeof d === "number" ? d : BATCH))]));
    const checksOnce = () => {
      for (const r of ranges) checkIndices("bench", r.name, batch[r.name] as Int32Array, r.below, shapes.get(r.name)!, r.why);
    };
    const direct = await measure(() => {
      for (let i = 0; i < 200; i++) checksOnce();
    }, policy);
    const checkUs = (direct.cpuMedian / 200) * 1000;

    // A/B, interleaved rounds.
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      withoutMs.push((await measure(() => b.trainStep(batch), policy)).cpuMedian);
      withMs.push((await measure(() => a.trainStep(batch), policy)).cpuMedian);
    }
    const stepWith = quantile(withMs, 0.5);
    const stepWithout = quantile(withoutMs, 0.5);
    const values = ranges.reduce((n, r) => n + (batch[r.name] as Int32Array).length, 0);
    const result = {
      model: spec.title,
      dnn: spec.dnn,
      batch: BATCH,
      checkedValues: values,
      checks: ranges.map((r) => `${r.name} in [0, ${r.below})`),
      checkUs,
      stepMsWithout: stepWithout,
      stepMsWith: stepWith,
      directFraction: checkUs / 1000 / stepWithout,
      abFraction: stepWith / stepWithout - 1,
      rounds: ROUNDS,
    };
    results.push(result);
    const pct = (x: number) => `${(100 * x).toFixed(3)} %`;
    console.log(`${spec.title} (batch ${BATCH}): checks ${result.checks.join(", ")} — ${values} values`);
    console.log(`  checks alone ${checkUs.toFixed(2)} µs; step ${stepWithout.toFixed(3)} ms without, ${stepWith.toFixed(3)} ms with`);
    console.log(`  cost: ${pct(result.directFraction)} of a step (direct), ${pct(result.abFraction)} (A/B, ${ROUNDS} rounds; noise-bound)`);
    if (result.directFraction >= 0.02) failures.push(`${spec.title}: the checks cost ${pct(result.directFraction)} of a step (goal < 2 %)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const machine = `${cpus()[0]?.model.trim() ?? "?"}, ${cpus().length} CPUs, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}${pinned ? `, pinned to CPU ${pinned}` : ""}`;
const out = QUICK ? join(tmpdir(), "boundary-checks.json") : join(ROOT, "bench", "results", "boundary-checks.json");
if (failures.length === 0) writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2) + "\n");
for (const f of failures) process.stderr.write(`boundary-checks: ${f}\n`);
console.log(failures.length === 0 ? `wrote ${out}` : "not written: a check failed");
process.exit(failures.length === 0 ? 0 : 1);
