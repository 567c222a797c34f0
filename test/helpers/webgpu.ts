// A WebGPU device for tests, from Dawn (the npm package `webgpu`) on whatever Vulkan adapter the
// machine has — Mesa's lavapipe on machines without a GPU (scripts/setup-webgpu.sh installs it).
// Where no adapter can be had, the tests fail, saying why.
import { create, globals } from "webgpu";

Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, … as in a browser

export interface Gpu {
  device: GPUDevice;
  /** The adapter, as Dawn describes it (e.g. "llvmpipe … Mesa 25.0.7"). */
  description: string;
}

let acquired: Promise<Gpu | string> | undefined;
// Dawn's node binding lives as long as the object `create` returns is referenced: once that is
// garbage collected, devices made from it crash the process at random (futex and mutex
// assertions in the driver's threads). Held for the life of the process.
let instance: GPU | undefined;

/** The device, or why there is none. One per test process. */
export function gpu(): Promise<Gpu | string> {
  acquired ??= (async () => {
    instance ??= create([]);
    const adapter = await instance.requestAdapter();
    if (!adapter) return "no WebGPU adapter: Dawn found no Vulkan driver (run scripts/setup-webgpu.sh as root to install Mesa's lavapipe)";
    const info = adapter.info;
    const device = await adapter.requestDevice();
    return { device, description: [info.vendor, info.architecture, info.description].filter(Boolean).join(" ") };
  })();
  return acquired;
}

/** The device for a test; without one the test fails, saying why (the README's set-up command installs lavapipe). */
export async function requireGpu(): Promise<Gpu> {
  const g = await gpu();
  if (typeof g === "string") throw new Error(g);
  return g;
}

/**
 * The samples whose every function and training step the WebGPU tests run: all but the
 * Fashion-MNIST ones (samples/*_fashion.dnn), which use the same layers as these at the
 * dataset's sizes and would add minutes of software-GPU time (and of LLVM compiling their
 * shaders on a cold Mesa cache) without exercising a kernel these do not. Every sample's
 * shaders, those included, are still compiled in Dawn by api.test.ts.
 */
export const gpuSamples = (files: string[]): string[] => files.filter((f) => f.endsWith(".dnn") && !f.endsWith("_fashion.dnn"));
