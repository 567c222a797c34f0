// The WebGPU device of bench/gpu-speed.ts, from Dawn (the npm package `webgpu`), shared by
// TensorFlow.js's webgpu backend and dnnc's WGSL so both run on one adapter and one device, and
// counters of what each training step asks of it, taken from the prototypes so whichever code
// calls them is counted.
import { create, globals } from "webgpu";

export interface Dawn {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** The adapter as it names itself (adapter.info). */
  info: { vendor: string; architecture: string; device: string; description: string };
}

// Dawn crashes at random once the object `create` returns is garbage collected: held for the process.
let instance: GPU | undefined;
let acquired: Promise<Dawn | string> | undefined;

/** The device, or why there is none. */
export function dawn(): Promise<Dawn | string> {
  acquired ??= (async () => {
    Object.assign(globalThis, globals);
    instance = create([]);
    // TF.js's webgpu backend registers itself on import only where `navigator.gpu` exists, and its
    // constructor checks again. Node 21+ has a getter-only globalThis.navigator: defined, not assigned.
    const nav = (globalThis as { navigator?: object }).navigator ?? {};
    Object.defineProperty(globalThis, "navigator", { value: Object.assign(Object.create(nav), { gpu: instance }), configurable: true, writable: true });
    const adapter = await instance.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return "no WebGPU adapter: Dawn found no Vulkan driver (scripts/setup-webgpu.sh installs Mesa's lavapipe)";
    // The limits TF.js's own backend factory asks for, so sharing the device takes nothing from it.
    const L = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxComputeWorkgroupStorageSize: L.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: L.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
        maxBufferSize: L.maxBufferSize,
        maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
      },
    });
    device.lost.then((l) => l.reason !== "destroyed" && process.stderr.write(`gpu-speed: WebGPU device lost: ${l.message}\n`));
    const i = adapter.info;
    return { adapter, device, info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description } };
  })();
  return acquired;
}

export interface Counts {
  dispatches: number;
  submits: number;
  /** Buffers mapped for reading: the step's waits for results. */
  readbacks: number;
}

const counts: Counts = { dispatches: 0, submits: 0, readbacks: 0 };
let wrapped = false;

/** The calls made so far (a copy); the first call starts counting. */
export function gpuCounts(): Counts {
  if (!wrapped) {
    wrapped = true;
    const g = globals as unknown as Record<string, { prototype: Record<string, (...a: unknown[]) => unknown> }>;
    const wrap = (cls: string, method: string, key: keyof Counts) => {
      const proto = g[cls]!.prototype;
      const inner = proto[method];
      if (!inner) return;
      proto[method] = function (this: unknown, ...a: unknown[]) {
        counts[key]++;
        return inner.apply(this, a);
      };
    };
    wrap("GPUComputePassEncoder", "dispatchWorkgroups", "dispatches");
    wrap("GPUComputePassEncoder", "dispatchWorkgroupsIndirect", "dispatches");
    wrap("GPUQueue", "submit", "submits");
    wrap("GPUBuffer", "mapAsync", "readbacks");
  }
  return { ...counts };
}

export const countsSince = (a: Counts): Counts => {
  const b = gpuCounts();
  return { dispatches: b.dispatches - a.dispatches, submits: b.submits - a.submits, readbacks: b.readbacks - a.readbacks };
};
