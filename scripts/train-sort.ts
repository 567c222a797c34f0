// Trains samples/sort_transformer.dnn on its synthetic task and measures it the honest way.
//
//   npx tsx scripts/train-sort.ts samples/sort_transformer.dnn --epochs 8 [--json] [--threads N]
//
// The task: eight digits (0–9), then a separator, then the same digits sorted. The model reads the
// whole sequence and predicts, at the separator and at each sorted digit, the next sorted digit:
// causal language modelling, trained with teacher forcing (the true earlier digits as input).
// A model that could see later positions would just copy the answer, so the test measures
// without it: greedy decoding, each predicted digit written into the input before the next is
// predicted, the later positions holding nothing but zeros. Its token accuracy (and the share of
// sequences wholly right) is only high if the causal mask keeps every position from reading ahead.
//
// Data is drawn from a seeded generator: 60,000 training sequences, 10,000 test sequences that
// are not in the training set. The model is compiled through the API (src/api.ts) for the wasm
// target into out/sort/ and trained with its own fit().
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile, formatDiagnostics } from "../src/api.ts";
import { mulberry32 } from "../src/runtime/random-order.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DIGITS = 8;
const SEP = 10;
const SEQ = 2 * DIGITS;

interface Sequences {
  tokens: Int32Array; // n × SEQ: the digits, the separator, the first DIGITS − 1 sorted digits
  y: Int32Array; // n × DIGITS: the sorted digits
  n: number;
}

/** `n` random sequences; `avoid`: keys of sequences not to draw again (the training set's). */
function sequences(n: number, seed: number, avoid?: Set<string>): { data: Sequences; keys: Set<string> } {
  const rand = mulberry32(seed);
  const tokens = new Int32Array(n * SEQ);
  const y = new Int32Array(n * DIGITS);
  const keys = new Set<string>();
  for (let i = 0; i < n; ) {
    const digits = Array.from({ length: DIGITS }, () => Math.floor(rand() * 10));
    const key = digits.join("");
    if (avoid?.has(key)) continue;
    keys.add(key);
    const sorted = [...digits].sort((a, b) => a - b);
    tokens.set([...digits, SEP, ...sorted.slice(0, DIGITS - 1)], i * SEQ);
    y.set(sorted, i * DIGITS);
    i++;
  }
  return { data: { tokens, y, n }, keys };
}

interface SortModel {
  fit(data: { tokens: Int32Array; y: Int32Array }, options: object): Promise<{ epoch: number[]; history: { loss: number[]; val_loss?: number[] } }>;
  forward(inputs: { tokens: Int32Array }): { logits: Float32Array };
}

/** Greedy decoding of every test sequence, in batches: token and whole-sequence accuracy. */
function decode(model: SortModel, test: Sequences, batch = 500): { tokenAccuracy: number; sequenceAccuracy: number } {
  let right = 0;
  let whole = 0;
  for (let start = 0; start < test.n; start += batch) {
    const m = Math.min(batch, test.n - start);
    const tokens = new Int32Array(m * SEQ); // the sorted half starts as zeros: nothing to read ahead
    for (let i = 0; i < m; i++) tokens.set(test.tokens.subarray((start + i) * SEQ, (start + i) * SEQ + DIGITS + 1), i * SEQ);
    const predicted = new Int32Array(m * DIGITS);
    for (let step = 0; step < DIGITS; step++) {
      const { logits } = model.forward({ tokens });
      for (let i = 0; i < m; i++) {
        const row = logits.subarray((i * DIGITS + step) * 11, (i * DIGITS + step + 1) * 11);
        let best = 0;
        for (let c = 1; c < 11; c++) if (row[c]! > row[best]!) best = c;
        predicted[i * DIGITS + step] = best;
        if (step < DIGITS - 1) tokens[i * SEQ + DIGITS + 1 + step] = best;
      }
    }
    for (let i = 0; i < m; i++) {
      let all = true;
      for (let t = 0; t < DIGITS; t++) {
        const ok = predicted[i * DIGITS + t] === test.y[(start + i) * DIGITS + t];
        right += ok ? 1 : 0;
        all &&= ok;
      }
      whole += all ? 1 : 0;
    }
  }
  return { tokenAccuracy: right / (test.n * DIGITS), sequenceAccuracy: whole / test.n };
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = args.find((a) => a.endsWith(".dnn"));
  if (!file) {
    process.stderr.write("usage: npx tsx scripts/train-sort.ts samples/sort_transformer.dnn [--epochs N] [--batch N] [--threads N] [--json]\n");
    return 2;
  }
  const epochs = option(args, "--epochs", 8);
  const batchSize = option(args, "--batch", 64);
  const threads = option(args, "--threads", 1);
  const started = performance.now();
  const outDir = join(ROOT, "out/sort");
  const result = await compile({ path: resolve(file), target: "wasm", outDir });
  if (!result.ok) {
    process.stderr.write(formatDiagnostics(result.diagnostics) + "\n");
    return 1;
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of result.files) writeFileSync(f.path, f.contents);
  const name = result.models[0]!.name;
  const module = (await import(pathToFileURL(join(outDir, basename(file).replace(/\.dnn$/, ".ts"))).href)) as Record<string, { create(o: object): SortModel }>;
  const model = module[name]!.create({ seed: 1, threads });

  const train = sequences(60_000, 1);
  const test = sequences(10_000, 2, train.keys).data;
  const history = await model.fit(
    { tokens: train.data.tokens, y: train.data.y },
    {
      epochs, batchSize, seed: 1, validationSplit: 0.05,
      callbacks: { onEpochEnd: (e: number, logs: { loss: number; val_loss?: number }) => void process.stderr.write(`epoch ${e + 1}: loss ${logs.loss.toFixed(4)}  val_loss ${logs.val_loss?.toFixed(4)}  ${((performance.now() - started) / 1000).toFixed(0)} s\n`) },
    },
  );
  const measured = decode(model, test);
  const wallSeconds = (performance.now() - started) / 1000;
  process.stderr.write(`test: token accuracy ${measured.tokenAccuracy.toFixed(4)}, sequences wholly right ${measured.sequenceAccuracy.toFixed(4)} on ${test.n.toLocaleString("en")} sequences (greedy decoding)\n`);
  if (args.includes("--json")) {
    const h = history.history;
    process.stdout.write(JSON.stringify({ epochs: history.epoch.length, testAccuracy: measured.tokenAccuracy, sequenceAccuracy: measured.sequenceAccuracy, testExamples: test.n, wallSeconds, history: h.loss.map((loss, i) => ({ loss, valLoss: h.val_loss?.[i] })) }) + "\n");
  }
  return 0;
}

process.exitCode = await main();
