// TensorFlow.js's webgpu backend for bench/gpu-speed.ts, on the benchmark's Dawn device rather
// than one it would request itself, so it and dnnc's WGSL share the adapter and the device.
import type * as TF from "@tensorflow/tfjs";
import type { Dawn } from "./gpu-device.ts";

let tf: typeof TF | undefined;

/** TensorFlow.js with the webgpu backend active on `gpu.device` (after dawn() set navigator.gpu). */
export async function tfjsWebgpu(gpu: Dawn): Promise<typeof TF> {
  if (tf) return tf;
  const t = await import("@tensorflow/tfjs");
  t.env().set("PROD", true);
  const { WebGPUBackend } = await import("@tensorflow/tfjs-backend-webgpu");
  // The package registered a factory that requests its own device: replaced by the same
  // construction on ours (the factory's body but for the request), at the same priority.
  t.removeBackend("webgpu");
  t.registerBackend("webgpu", () => new WebGPUBackend(gpu.device, gpu.adapter.info), 3);
  if (!(await t.setBackend("webgpu"))) throw new Error("tf.setBackend('webgpu') returned false");
  await t.ready();
  return (tf = t);
}
