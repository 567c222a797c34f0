// The showcase page: DigitsMLP (samples/mlp_digits.dnn) trains here on WebGPU, or on the CPU
// where WebGPU is missing (model.ts), through the generated module's own fit(), which holds out
// the test digits (validationSplit), shuffles, reports each epoch and batch, and stops when the
// Stop button aborts its signal; the chart (chart.ts) gains a point per series at each epoch's
// end. Once trained, the user draws a digit (draw.ts) and sees the model's probabilities
// (prediction.ts). The model's diagram is drawn by `dnnc graph` when the page is built
// (build.ts). Query: ?epochs=30&batch=30&seed=1&backend=webgpu|wasm (the default tries WebGPU
// first). When done training it sets window.dnncResult, which the browser tests read.
import { drawChart, type Series } from "./chart.ts";
import { drawingPad } from "./draw.ts";
import { createModel, loadDigits, message, type Backend, type DigitsModel } from "./model.ts";
import { clearBars, createBars, showInput, showPrediction, softmax } from "./prediction.ts";

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
/** The digits held out to measure on: 297 of the 1,797. */
const HELD_OUT = 297;

const $ = <T extends Element = HTMLElement>(id: string) => document.getElementById(id) as unknown as T;
const status = (text: string) => ($("status").textContent = text);

/** Trains the model, drawing the chart as it goes; resolves to what the page reports. */
async function train(model: DigitsModel, backend: Backend, fallback: string | undefined): Promise<DnncResult> {
  const digits = await loadDigits();
  const steps = Math.ceil((digits.y.length - HELD_OUT) / BATCH);
  const progress = $<HTMLProgressElement>("progress");
  progress.max = EPOCHS * steps;
  const chart = $<SVGSVGElement>("chart");
  const loss: Series = { name: "loss", label: "training loss", color: "#cf222e", values: [] };
  const accuracy: Series = { name: "accuracy", label: "held-out accuracy", color: "#0969da", values: [] };
  drawChart(chart, EPOCHS, loss, accuracy);
  const stop = new AbortController();
  const button = $<HTMLButtonElement>("stop");
  button.onclick = () => stop.abort(new Error("stopped by the Stop button"));
  button.disabled = false;
  // On WebGPU the first step builds the pipelines: seconds, or a minute on a software GPU.
  status(backend === "webgpu" ? "compiling the shaders (first step)…" : "training…");
  const start = performance.now();
  let epochsDone = 0;
  try {
    const history = await model.fit(digits, {
      epochs: EPOCHS,
      batchSize: BATCH,
      seed: SEED,
      validationSplit: HELD_OUT / digits.y.length,
      signal: stop.signal,
      callbacks: {
        onBatchEnd: (batch) => void (progress.value = epochsDone * steps + batch + 1),
        onEpochEnd: (epoch, logs) => {
          epochsDone = epoch + 1;
          loss.values.push(logs.loss);
          accuracy.values.push(logs.val_accuracy!);
          drawChart(chart, EPOCHS, loss, accuracy);
          status(`epoch ${epoch + 1}/${EPOCHS} · loss ${logs.loss.toFixed(4)} · held-out accuracy ${(logs.val_accuracy! * 100).toFixed(1)}%`);
        },
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const final = history.history.val_accuracy!.at(-1)!;
    status(`trained ${EPOCHS} epochs in ${seconds.toFixed(1)} s`);
    $("result").textContent = `test accuracy ${(final * 100).toFixed(1)}% (${Math.round(final * HELD_OUT)}/${HELD_OUT})`;
    return { backend, accuracy: final, epochs: history.epoch.length, finalLoss: history.history.loss.at(-1)!, seconds, ...(fallback && { fallback }) };
  } catch (e) {
    if (stop.signal.aborted) status(`stopped in epoch ${epochsDone + 1}: ${message(e)}`);
    throw e;
  } finally {
    button.disabled = true;
  }
}

/** Opens the drawing pad: each stroke asks the model for the drawing's probabilities, one question at a time. */
function enableDrawing(model: DigitsModel): void {
  const bars = createBars($("bars"));
  const predicted = $("predicted");
  const input = $<HTMLCanvasElement>("input");
  let asking = Promise.resolve();
  const pad = drawingPad($<HTMLCanvasElement>("pad"), (pixels) => {
    showInput(input, pixels);
    asking = asking
      .then(async () => {
        const probabilities = softmax(await model.predict({ x: pixels }));
        predicted.textContent = String(showPrediction(bars, probabilities));
      })
      .catch((e: unknown) => void (predicted.textContent = `failed: ${message(e)}`));
  });
  $<HTMLButtonElement>("clear").onclick = () => {
    pad.clear();
    showInput(input, pad.pixels());
    clearBars(bars);
    predicted.textContent = "";
  };
  $("draw").classList.remove("waiting");
}

async function main(): Promise<DnncResult> {
  const { model, backend, fallback } = await createModel(BACKEND, SEED);
  const label = $("backend");
  label.dataset.backend = backend;
  label.textContent =
    backend === "webgpu" ? "on WebGPU" : fallback === "?backend=wasm" ? "on the CPU (WebAssembly), as ?backend=wasm asks" : `on the CPU (WebAssembly): WebGPU is unavailable here (${fallback})`;
  const result = await train(model, backend, fallback);
  enableDrawing(model);
  return result;
}

main().then(
  (result) => (window.dnncResult = result),
  (e: unknown) => {
    if (!$("status").textContent?.startsWith("stopped")) status(`failed: ${message(e)}`);
    window.dnncResult = { error: String(e) };
  },
);
