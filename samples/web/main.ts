// Trains the DigitsMLP of samples/mlp_digits.dnn in the page with the modules dnnc generates
// (served by serve.ts): on WebGPU where the browser gives an adapter and a device, otherwise on
// WebAssembly (the wasm target), and measures it on held-out digits. The split, seed and
// optimizer are test/samples/mlp_digits.test.ts's, whose TypeScript-backend run this can be
// compared with. Query: ?epochs=30&batch=30&seed=1&lossEvery=5&backend=webgpu|wasm (the
// default tries WebGPU first). When done it sets window.dnncResult, which
// test/browser/digits.test.ts reads.

import { mulberry32, shuffle } from "../../src/data/random.ts";

type Backend = "webgpu" | "wasm";

/** The part of the generated modules' API this page uses, as the wgsl module has it (asynchronous). */
interface DigitsMLP {
  trainStep(batch: { x: Float32Array; y: Int32Array }, options?: { readLoss?: boolean }): Promise<number>;
  forward(inputs: { x: Float32Array }): Promise<{ logits: Float32Array }>;
  destroy(): void;
}
interface WgslModule {
  DigitsMLP: { create(options?: { seed?: number }): Promise<DigitsMLP> };
}
/** The wasm module's DigitsMLP: the same calls, synchronous, and nothing to destroy. */
interface WasmModule {
  DigitsMLP: {
    create(options?: { seed?: number }): {
      trainStep(batch: { x: Float32Array; y: Int32Array }): number;
      forward(inputs: { x: Float32Array }): { logits: Float32Array };
    };
  };
}

/** What the page reports; `fallback` says why it trained on WebAssembly (the wgsl module's error, or "?backend=wasm"). */
export type DnncResult =
  | { backend: Backend; accuracy: number; epochs: number; finalLoss: number; seconds: number; fallback?: string }
  | { error: string };
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
const BACKEND = query.get("backend") ?? "auto";
// Held in variables so that tsc does not look for the modules, which exist only when served.
const MODULES: Record<Backend, string> = { webgpu: "./generated/mlp_digits.wgsl.ts", wasm: "./generated/mlp_digits.wasm.ts" };

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

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The model on WebGPU, or on WebAssembly where WebGPU is unavailable (the wgsl module's create()
 * throws, saying why, without navigator.gpu, an adapter or a device) or ?backend=wasm asks for
 * it; `fallback` says why it is on WebAssembly.
 */
async function createModel(): Promise<{ model: DigitsMLP; backend: Backend; fallback?: string }> {
  if (!["auto", "webgpu", "wasm"].includes(BACKEND)) throw new Error(`?backend=${BACKEND}: expected webgpu or wasm`);
  let fallback = "?backend=wasm";
  if (BACKEND !== "wasm") {
    const { DigitsMLP } = (await import(MODULES.webgpu)) as WgslModule;
    try {
      return { model: await DigitsMLP.create({ seed: SEED }), backend: "webgpu" };
    } catch (e) {
      if (BACKEND === "webgpu") throw e;
      fallback = message(e);
    }
  }
  const { DigitsMLP } = (await import(MODULES.wasm)) as WasmModule;
  const wasm = DigitsMLP.create({ seed: SEED });
  // The synchronous calls behind the page's interface (the loss costs nothing to read, so it always is).
  const model: DigitsMLP = {
    trainStep: async (batch) => wasm.trainStep(batch),
    forward: async (inputs) => wasm.forward(inputs),
    destroy() {},
  };
  return { model, backend: "wasm", fallback };
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
  const rand = mulberry32(7);
  const all = shuffle(await loadDigits(), rand);
  const train = all.slice(0, 1500);
  const test = all.slice(1500);
  const { model, backend, fallback } = await createModel();
  $("backend").textContent = backend === "webgpu" ? "on WebGPU" : `on WebAssembly (${fallback})`;
  const steps = Math.ceil(train.length / BATCH);
  const progress = $("progress") as HTMLProgressElement;
  progress.max = EPOCHS * steps;
  // On WebGPU the first step builds the pipelines: seconds, or a minute on a software GPU.
  status(backend === "webgpu" ? "compiling the shaders (first step)…" : "training…");
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
    // Lets the page repaint: the wasm model's steps never wait for anything.
    await new Promise((repainted) => setTimeout(repainted));
  }
  const seconds = (performance.now() - start) / 1000;
  const acc = await accuracy(model, test);
  model.destroy();
  status(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s`);
  $("result").textContent = `test accuracy ${(acc * 100).toFixed(1)}% (${Math.round(acc * test.length)}/${test.length})`;
  return { backend, accuracy: acc, epochs: EPOCHS, finalLoss: loss, seconds, ...(fallback && { fallback }) };
}

main().then(
  (result) => (window.dnncResult = result),
  (e: unknown) => {
    status(`failed: ${message(e)}`);
    window.dnncResult = { error: String(e) };
  },
);
