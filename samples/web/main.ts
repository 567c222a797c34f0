// Trains the DigitsMLP of samples/mlp_digits.dnn in the page with the modules dnnc generates
// (serve.ts writes them to generated/ and serves them): on WebGPU where the browser gives an
// adapter and a device, otherwise on the CPU module (the wasm target), through the modules' own
// fit(), which holds out the test digits (validationSplit), shuffles, reports each epoch and
// batch, and stops when the Stop button aborts its signal. The page imports nothing but the
// generated modules, and takes their types from them. Query: ?epochs=30&batch=30&seed=1&
// backend=webgpu|wasm (the default tries WebGPU first). When done it sets window.dnncResult,
// which test/browser/digits.test.ts reads.

import type { FitHistory, FitLogs } from "./generated/mlp_digits.wgsl.ts";
type WgslModule = typeof import("./generated/mlp_digits.wgsl.ts");
type WasmModule = typeof import("./generated/mlp_digits.wasm.ts");
type Model = Awaited<ReturnType<WgslModule["DigitsMLP"]["create"]>> | ReturnType<WasmModule["DigitsMLP"]["create"]>;
type Backend = "webgpu" | "wasm";

/** What the page reports; `fallback` says why it trained on the CPU (the wgsl module's error, or "?backend=wasm"). */
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
// divides the 1,500 training digits, so no short training batch costs another compilation.
const BATCH = Number(query.get("batch") ?? 30);
const SEED = Number(query.get("seed") ?? 1);
const BACKEND = query.get("backend") ?? "auto";
// Held in variables so that the browser loads only the module it uses.
const MODULES: Record<Backend, string> = { webgpu: "./generated/mlp_digits.wgsl.ts", wasm: "./generated/mlp_digits.wasm.ts" };
/** The digits held out to measure on: 297 of the 1,797. */
const HELD_OUT = 297;

const $ = (id: string) => document.getElementById(id)!;
const status = (text: string) => ($("status").textContent = text);

/** The UCI digits: 64 pixels (0..16) and a label per row of the gzipped CSV. */
async function loadDigits(): Promise<{ x: Float32Array; y: Int32Array }> {
  const response = await fetch("data/digits.csv.gz");
  if (!response.ok) throw new Error(`data/digits.csv.gz: HTTP ${response.status}`);
  const text = await new Response(response.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  const rows = text.trim().split("\n");
  const x = new Float32Array(rows.length * 64);
  const y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const r = line.split(",").map(Number);
    x.set(r.slice(0, 64), i * 64);
    y[i] = r[64]!;
  });
  return { x, y };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The model on WebGPU, or on the CPU where WebGPU is unavailable (the wgsl module's create()
 * throws, saying why, without navigator.gpu, an adapter or a device) or ?backend=wasm asks for
 * it; `fallback` says why it is on the CPU.
 */
async function createModel(): Promise<{ model: Model; backend: Backend; fallback?: string }> {
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
  return { model: DigitsMLP.create({ seed: SEED }), backend: "wasm", fallback };
}

async function main(): Promise<DnncResult> {
  const digits = await loadDigits();
  const { model, backend, fallback } = await createModel();
  $("backend").textContent =
    backend === "webgpu" ? "on WebGPU" : fallback === "?backend=wasm" ? "on the CPU (WebAssembly), as ?backend=wasm asks" : `on the CPU (WebAssembly): WebGPU is unavailable here (${fallback})`;
  const steps = Math.ceil((digits.y.length - HELD_OUT) / BATCH);
  const progress = $("progress") as HTMLProgressElement;
  progress.max = EPOCHS * steps;
  const stop = new AbortController();
  const button = $("stop") as HTMLButtonElement;
  button.onclick = () => stop.abort(new Error("stopped by the Stop button"));
  button.disabled = false;
  // On WebGPU the first step builds the pipelines: seconds, or a minute on a software GPU.
  status(backend === "webgpu" ? "compiling the shaders (first step)…" : "training…");
  const start = performance.now();
  let history: FitHistory;
  let epochsDone = 0;
  try {
    history = await model.fit(digits, {
      epochs: EPOCHS,
      batchSize: BATCH,
      seed: SEED,
      validationSplit: HELD_OUT / digits.y.length,
      signal: stop.signal,
      callbacks: {
        onBatchEnd: (batch: number) => void (progress.value = epochsDone * steps + batch + 1),
        onEpochEnd: (epoch: number, logs: FitLogs) => {
          epochsDone = epoch + 1;
          const line = `epoch ${String(epoch + 1).padStart(3)}  loss ${logs.loss.toFixed(4)}  held-out accuracy ${(logs.val_accuracy! * 100).toFixed(1)}%`;
          status(`epoch ${epoch + 1}/${EPOCHS} · loss ${logs.loss.toFixed(4)}`);
          $("log").textContent += `${line}\n`;
        },
      },
    });
  } catch (e) {
    if (stop.signal.aborted) status(`stopped in epoch ${epochsDone + 1}: ${message(e)}`);
    throw e;
  } finally {
    button.disabled = true;
    if ("destroy" in model) model.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  const accuracy = history.history.val_accuracy!.at(-1)!;
  status(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s`);
  $("result").textContent = `test accuracy ${(accuracy * 100).toFixed(1)}% (${Math.round(accuracy * HELD_OUT)}/${HELD_OUT})`;
  return { backend, accuracy, epochs: history.epoch.length, finalLoss: history.history.loss.at(-1)!, seconds, ...(fallback && { fallback }) };
}

main().then(
  (result) => (window.dnncResult = result),
  (e: unknown) => {
    if (!$("status").textContent?.startsWith("stopped")) status(`failed: ${message(e)}`);
    window.dnncResult = { error: String(e) };
  },
);
