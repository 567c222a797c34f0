// Trains the DigitsMLP of samples/mlp_digits.dnn in the page, on WebGPU, with the module dnnc
// generates (served at ./generated/mlp_digits.ts by serve.ts), and measures it on held-out
// digits. The split, seed and optimizer are test/samples/mlp_digits.test.ts's, whose
// TypeScript-backend run this can be compared with. Query: ?epochs=30&batch=30&seed=1&lossEvery=5.
// When done it sets window.dnncResult, which test/browser/digits.test.ts reads.

import { mulberry32, shuffle } from "../../src/data/random.ts";

/** The part of the generated module's API this page uses. */
interface DigitsMLP {
  trainStep(batch: { x: Float32Array; y: Int32Array }, options?: { readLoss?: boolean }): Promise<number>;
  forward(inputs: { x: Float32Array }): Promise<{ logits: Float32Array }>;
  destroy(): void;
}
interface DigitsMLPClass {
  create(options?: { seed?: number }): Promise<DigitsMLP>;
}

export type DnncResult = { accuracy: number; epochs: number; finalLoss: number; seconds: number } | { error: string };
declare global {
  interface Window {
    dnncResult?: DnncResult;
  }
}

const query = new URLSearchParams(location.search);
const EPOCHS = Number(query.get("epochs") ?? 30);
// Each new batch size compiles the model's pipelines anew (seconds, on a software GPU): 30
// divides the 1,500 training digits, so no short last batch costs a second compilation.
const BATCH = Number(query.get("batch") ?? 30);
const SEED = Number(query.get("seed") ?? 1);
// Reading the loss back waits for the GPU; steps that do not read it just queue their work.
const LOSS_EVERY = Number(query.get("lossEvery") ?? 5);
// Held in a variable so that tsc does not look for the module, which exists only when served.
const MODEL = "./generated/mlp_digits.ts";

const $ = (id: string) => document.getElementById(id)!;
const status = (text: string) => ($("status").textContent = text);


/** Rows of 64 pixels (0..16) and a label, from the gzipped CSV. */
async function loadDigits(): Promise<number[][]> {
  const response = await fetch("data/digits.csv.gz");
  if (!response.ok) throw new Error(`data/digits.csv.gz: HTTP ${response.status}`);
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  return text.trim().split("\n").map((line) => line.split(",").map(Number));
}

function batchOf(rows: number[][]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.set(r.slice(0, 64), i * 64);
    y[i] = r[64]!;
  });
  return { x, y };
}

async function accuracy(model: DigitsMLP, rows: number[][]): Promise<number> {
  const { logits } = await model.forward({ x: batchOf(rows).x });
  let correct = 0;
  rows.forEach((r, i) => {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[i * 10 + j]! > logits[i * 10 + best]!) best = j;
    if (best === r[64]) correct++;
  });
  return correct / rows.length;
}

async function main(): Promise<DnncResult> {
  if (!("gpu" in navigator)) throw new Error("this browser has no WebGPU (navigator.gpu is undefined)");
  const rand = mulberry32(7);
  const all = shuffle(await loadDigits(), rand);
  const train = all.slice(0, 1500);
  const test = all.slice(1500);
  const { DigitsMLP } = (await import(MODEL)) as { DigitsMLP: DigitsMLPClass };
  const model = await DigitsMLP.create({ seed: SEED });
  const steps = Math.ceil(train.length / BATCH);
  const progress = $("progress") as HTMLProgressElement;
  progress.max = EPOCHS * steps;
  // The first step builds the pipelines: seconds, or a minute on a software GPU.
  status("compiling the shaders (first step)…");
  const start = performance.now();
  let loss = NaN;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    shuffle(train, rand);
    let total = 0; // sum over samples of each read batch's mean loss
    let counted = 0;
    for (let s = 0; s < steps; s++) {
      const rows = train.slice(s * BATCH, (s + 1) * BATCH);
      const read = (s + 1) % LOSS_EVERY === 0 || s === steps - 1;
      const batchLoss = await model.trainStep(batchOf(rows), { readLoss: read });
      if (read) (total += batchLoss * rows.length), (counted += rows.length);
      progress.value = (epoch - 1) * steps + s + 1;
    }
    loss = total / counted;
    status(`epoch ${epoch}/${EPOCHS} · loss ${loss.toFixed(4)}`);
    $("log").textContent += `epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(4)}\n`;
  }
  const seconds = (performance.now() - start) / 1000;
  const acc = await accuracy(model, test);
  model.destroy();
  status(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s`);
  $("result").textContent = `test accuracy ${(acc * 100).toFixed(1)}% (${Math.round(acc * test.length)}/${test.length})`;
  return { accuracy: acc, epochs: EPOCHS, finalLoss: loss, seconds };
}

main().then(
  (result) => (window.dnncResult = result),
  (e: unknown) => {
    status(`failed: ${e instanceof Error ? e.message : String(e)}`);
    window.dnncResult = { error: String(e) };
  },
);
