// TensorFlow.js for bench/train-speed.ts, loaded only when a run asks for it: the pure-JavaScript
// `cpu` backend and the WebAssembly one, whose binary (plain, SIMD or threaded SIMD) is detected
// rather than assumed, since which one the loader picks decides what is being compared.
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TF from "@tensorflow/tfjs";
import type { LayerSpec, ModelSpec } from "./train-models.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What the wasm backend turned out to be once started. */
export interface WasmInfo {
  binary: string | null;
  bytes: number | null;
  simd: boolean;
  multithread: boolean;
  threads: number;
  /** The folder the .wasm files are loaded from, relative to the repository root. */
  files: string;
  error?: string;
}

let tf: typeof TF | undefined;
let wasmInfo: WasmInfo | undefined;

/** The TensorFlow.js loaded so far (undefined before the first tfjs() call), and its wasm backend if started. */
export function loadedTfjs(): { tf: typeof TF; wasm: WasmInfo | undefined } | undefined {
  return tf ? { tf, wasm: wasmInfo } : undefined;
}

/** TensorFlow.js with `backend` active: imported on the first call, the wasm backend started on its first. */
export async function tfjs(backend: "cpu" | "wasm"): Promise<typeof TF> {
  if (!tf) {
    tf = await import("@tensorflow/tfjs");
    tf.env().set("PROD", true); // no console banner about tfjs-node
  }
  if (backend === "wasm" && !wasmInfo) wasmInfo = await startWasm(tf);
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
  }
  return tf;
}

/** Registers and starts the wasm backend, one thread, and reports which binary it instantiated; throws if it did not start. */
async function startWasm(tf: typeof TF): Promise<WasmInfo> {
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
  const info: WasmInfo = {
    binary,
    bytes: bytes ?? (binary ? safeSize(join(dist, binary)) : null),
    simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
    multithread: Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")),
    threads: error ? 0 : wasm.getThreadsCount(),
    files: relative(ROOT, dist),
    ...(error ? { error } : {}),
  };
  // Recorded even on failure, so the report says what was tried.
  wasmInfo = info;
  if (error) throw new Error(`the TF.js wasm backend did not start: ${error}`);
  return info;
}

/** The network `spec` describes, in TensorFlow.js's layers API (Keras's defaults: stride 1, "valid" padding). */
export function buildTfjsModel(t: typeof TF, spec: ModelSpec): TF.Sequential {
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

function safeSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
