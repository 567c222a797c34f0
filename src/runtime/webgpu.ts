// The WebGPU runtime of generated WGSL modules: the emitter copies the marked region into every
// module (which imports nothing), beside the compiler's plans (backend/wgsl/plan.ts) and
// placeBuffers (schedule/place.ts).
//
// One storage buffer holds all of a model's memory: first what persists between calls (the
// parameters, the optimizer state, the step counter and the seed, at offsets fixed at compile
// time), then one call's inputs and the arena its plan places by liveness. Every kernel binds
// that one buffer, so no model can run out of storage-buffer bindings per stage; offsets and
// sizes reach the shaders as override constants. A call is prepared once per function and batch
// size — regions placed, pipelines created — and then records all its dispatches into one
// compute pass of one command buffer; only what the caller asks for is read back.
import { placeBuffers } from "../schedule/place.ts";

// dnnc:helpers-begin

/** A region of memory a plan names: an argument of the call, or a buffer placed in `group`. */
export type GpuRegion = { arg: number } | { group: number; size: number; first: number; last: number };
export interface GpuDispatch {
  shader: number;
  /** Override constants holding regions' offsets, by name. */
  memory: [string, number][];
  /** Override constants holding sizes, by name. */
  consts: [string, number][];
  workgroups: number;
}
/** A host loop (a scan): its dispatches read the iteration's index from the step uniform. */
export interface GpuLoop {
  count: number;
  reverse: boolean;
  steps: GpuStep[];
}
export type GpuStep = GpuDispatch | GpuLoop;
/** One IR function for one batch size, as the compiler planned it. */
export interface GpuPlan {
  /** Each argument: at a fixed offset of the persistent memory, or an input of this size. */
  args: ({ keep: number } | { size: number })[];
  regions: GpuRegion[];
  /** The region of each output and its size. */
  outputs: [number, number][];
  steps: GpuStep[];
  /** Outputs copied into persistent memory after the call: [output, offset]. */
  update: [number, number][];
}

interface GpuCall {
  outputs: [number, number][];
  inputs: number[];
  /** Float copies of the integer inputs (labels), reused call after call. */
  floats: (Float32Array | undefined)[];
  end: number;
  /** Every dispatch in order: pipeline, workgroups in x and y, loop index (for the step uniform). */
  dispatches: [GPUComputePipeline, number, number, number][];
  checked: boolean;
}

const GPU_WORKGROUP = 64;
const GPU_MAX_GROUPS = 65535;
/** Floats a workgroup of the copy-home dispatch copies (more where a model has millions). */
const GPU_COPY_CHUNK = 4096;
/** Unmapped readback buffers kept for reuse (a training step reads its loss back every call). */
const GPU_SPARE_STAGING = 4;

/**
 * A WebGPU device: the caller's, or one requested from `navigator.gpu` with the adapter's
 * largest storage-buffer binding (a model's whole memory is one binding).
 */
export async function gpuDevice(where: string, device?: GPUDevice): Promise<{ device: GPUDevice; owned: boolean }> {
  if (device) return { device, owned: false };
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error(`${where}: WebGPU is not available here (navigator.gpu is missing). In a browser, use one with WebGPU enabled; in Node, pass a device: create({ device }) with one from the "webgpu" package`);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error(`${where}: WebGPU found no adapter (navigator.gpu.requestAdapter() returned null): no GPU or software renderer is available`);
  const requiredLimits = { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize };
  return { device: await adapter.requestDevice({ requiredLimits }), owned: true };
}

export class GpuMachine {
  private buffer: GPUBuffer | undefined;
  private bindGroup: GPUBindGroup | undefined;
  private capacity = 0;
  private stepBuffer: GPUBuffer | undefined;
  private stepCapacity = 0;
  private readonly layout: GPUPipelineLayout;
  private readonly groupLayout: GPUBindGroupLayout;
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();
  private readonly calls = new Map<string, GpuCall>();
  private readonly staging: GPUBuffer[] = [];
  private failure: string | undefined;
  private readonly align: number;
  private readonly onError = (e: Event) => void (this.failure ??= `WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);

  // Fields assigned in the body, not parameter properties: a consumer's `erasableSyntaxOnly`
  // (and Node's type stripping) refuses those.
  readonly device: GPUDevice;
  private readonly owned: boolean;
  private readonly where: string;
  private readonly modules: GPUShaderModule[];
  /** Floats of persistent memory at the start of the buffer, kept when it grows. */
  private readonly keep: number;

  private constructor(device: GPUDevice, owned: boolean, where: string, modules: GPUShaderModule[], keep: number) {
    this.device = device;
    this.owned = owned;
    this.where = where;
    this.modules = modules;
    this.keep = keep;
    this.align = device.limits.minUniformBufferOffsetAlignment;
    this.groupLayout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "storage" } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true, minBindingSize: 16 } },
      ],
    });
    this.layout = device.createPipelineLayout({ bindGroupLayouts: [this.groupLayout] });
    void device.lost.then((info) => (this.failure ??= `the WebGPU device was lost (${info.reason}): ${info.message}`));
    device.addEventListener("uncapturederror", this.onError);
  }

  /** Compiles every shader of a model; one that does not compile is an error naming it. */
  static async create(where: string, options: { device?: GPUDevice }, shaders: readonly string[], keep: number): Promise<GpuMachine> {
    const { device, owned } = await gpuDevice(where, options.device);
    const modules = shaders.map((code) => device.createShaderModule({ code }));
    const infos = await Promise.all(modules.map((m) => m.getCompilationInfo()));
    infos.forEach((info, i) => {
      const errors = info.messages.filter((m) => m.type === "error");
      if (errors.length > 0) throw new Error(`${where}: shader ${i} does not compile on this device: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")}`);
    });
    const machine = new GpuMachine(device, owned, where, modules, keep);
    machine.reserve(keep);
    return machine;
  }

  /** Writes values at a float offset (queued: ordered with the calls around it). */
  write(offset: number, values: Float32Array): void {
    this.check();
    this.device.queue.writeBuffer(this.buffer!, offset * 4, values.buffer, values.byteOffset, values.byteLength);
  }

  /** Reads ranges [offset, length] of floats back. */
  async read(ranges: readonly (readonly [number, number])[]): Promise<Float32Array[]> {
    this.check();
    const encoder = this.device.createCommandEncoder();
    const staging = this.copyOut(encoder, ranges);
    this.device.queue.submit([encoder.finish()]);
    return this.mapped(staging, ranges);
  }

  /**
   * Runs one function: `key` names it with its batch size; `plan` is asked for the first time the
   * key is seen. Writes `inputs` (the plan's input arguments, in order; integers as floats), dispatches
   * everything in one command buffer, copies the plan's updates into persistent memory and reads
   * back the outputs listed in `read`.
   */
  async run(key: string, plan: () => GpuPlan, inputs: readonly (Float32Array | Int32Array)[], read: readonly number[]): Promise<Float32Array[]> {
    this.check();
    const call = this.calls.get(key) ?? (await this.prepare(key, plan()));
    this.reserve(call.end);
    call.inputs.forEach((offset, i) => this.write(offset, this.floatsOf(call, i, inputs[i]!)));
    if (!call.checked) this.device.pushErrorScope("validation");
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const [pipeline, x, y, t] of call.dispatches) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.bindGroup!, [t * this.align]);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    const ranges = read.map((o) => call.outputs[o]!);
    const staging = ranges.length > 0 ? this.copyOut(encoder, ranges) : undefined;
    this.device.queue.submit([encoder.finish()]);
    if (!call.checked) {
      const error = await this.device.popErrorScope();
      if (error) throw new Error(`${this.where}: WebGPU refused the ${key.replace(/:.*/, "")} call: ${error.message}`);
      call.checked = true;
    }
    return staging ? this.mapped(staging, ranges) : [];
  }

  /** Steps dispatched by a call of `key` (once it has run). */
  dispatchCount(key: string): number | undefined {
    return this.calls.get(key)?.dispatches.length;
  }

  /** Frees the memory, and the device if this machine requested it. Later calls throw. */
  destroy(): void {
    this.failure ??= "the model was destroyed";
    this.device.removeEventListener("uncapturederror", this.onError);
    this.buffer?.destroy();
    this.stepBuffer?.destroy();
    for (const b of this.staging.splice(0)) b.destroy();
    if (this.owned) this.device.destroy();
  }

  private check(): void {
    if (this.failure) throw new Error(`${this.where.replace(/\.\w+$/, "")}: ${this.failure}`);
  }

  private async prepare(key: string, plan: GpuPlan): Promise<GpuCall> {
    let at = this.keep;
    const args = plan.args.map((a) => ("keep" in a ? a.keep : ((at += a.size), at - a.size)));
    const inputs = args.filter((_, i) => !("keep" in plan.args[i]!));
    const { offsets, end } = gpuPlace(plan.regions, args, at);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (end * 4 > limit) throw new RangeError(`${this.where.replace(/\.\w+$/, "")}: ${key} needs ${end * 4} bytes of GPU memory in one binding, over this device's maxStorageBufferBindingSize of ${limit}: use a smaller batch`);
    const flat: [GpuDispatch, number][] = [];
    const walk = (steps: readonly GpuStep[], t: number) => {
      for (const s of steps) {
        if ("shader" in s) flat.push([s, t]);
        else for (let k = 0; k < s.count; k++) walk(s.steps, s.reverse ? s.count - 1 - k : k);
      }
    };
    walk(plan.steps, 0);
    const loops = Math.max(1, ...flat.map(([, t]) => t + 1));
    this.reserveSteps(loops);
    this.device.pushErrorScope("validation");
    const pipelines = await Promise.all(flat.map(([d]) => this.pipeline(d.shader, [...d.memory.map(([name, r]): [string, number] => [name, offsets[r]!]), ...d.consts])));
    // More workgroups than one dimension allows go in rows (y); shaders number them wid.x + wid.y · groups.x.
    const dispatches: [GPUComputePipeline, number, number, number][] = flat.map(([d, t], i) => [pipelines[i]!, Math.min(d.workgroups, GPU_MAX_GROUPS), Math.ceil(d.workgroups / GPU_MAX_GROUPS), t]);
    const updates = plan.update.map(([o, to]): [number, number, number] => [to, offsets[plan.outputs[o]![0]]!, plan.outputs[o]![1]]).filter(([to, from, n]) => to !== from && n > 0);
    if (updates.length > 0) dispatches.push(await this.copies(updates));
    const error = await this.device.popErrorScope();
    if (error) throw new Error(`${this.where}: WebGPU refused a pipeline of ${key}: ${error.message}`);
    const call: GpuCall = { outputs: plan.outputs.map(([r, n]) => [offsets[r]!, n]), inputs, floats: [], end, dispatches, checked: false };
    this.calls.set(key, call);
    return call;
  }

  private pipeline(shader: number, constants: [string, number][]): Promise<GPUComputePipeline> {
    const key = `${shader}:${constants.map(([k, v]) => `${k}=${v}`).join(",")}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipelineAsync({ layout: this.layout, compute: { module: this.modules[shader]!, entryPoint: "main", constants: Object.fromEntries(constants) } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * One dispatch copying each [to, from, length] segment (a model's initial values; updated state
   * the plan could not compute in place): a workgroup per chunk of a few thousand floats, none
   * idle. A CPU driver pays for every workgroup: a row of them per segment, as long as the longest
   * segment needed, cost the MLP 784-256-128-10's training step 17 ms on lavapipe.
   */
  private async copies(segments: readonly [number, number, number][]): Promise<[GPUComputePipeline, number, number, number]> {
    const total = segments.reduce((a, [, , n]) => a + n, 0);
    const chunk = GPU_COPY_CHUNK * Math.ceil(total / (GPU_COPY_CHUNK * 1024));
    const chunks = segments.flatMap(([to, from, n]) => Array.from({ length: Math.ceil(n / chunk) }, (_, i) => `vec3u(${to + i * chunk}u, ${from + i * chunk}u, ${Math.min(chunk, n - i * chunk)}u)`));
    const code = `@group(0) @binding(0) var<storage, read_write> mem: array<f32>;
var<private> chunks: array<vec3u, ${chunks.length}> = array<vec3u, ${chunks.length}>(${chunks.join(", ")});
@compute @workgroup_size(${GPU_WORKGROUP}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) l: u32, @builtin(num_workgroups) groups: vec3u) {
  let w = wid.x + wid.y * groups.x;
  if (w >= ${chunks.length}u) { return; }
  let c = chunks[w];
  for (var i = l; i < c.z; i += ${GPU_WORKGROUP}u) { mem[c.x + i] = mem[c.y + i]; }
}`;
    const module = this.device.createShaderModule({ code });
    const pipeline = await this.device.createComputePipelineAsync({ layout: this.layout, compute: { module, entryPoint: "main" } });
    return [pipeline, Math.min(chunks.length, GPU_MAX_GROUPS), Math.ceil(chunks.length / GPU_MAX_GROUPS), 0];
  }

  /** Grows the buffer to `floats`, keeping the persistent part. */
  private reserve(floats: number): void {
    if (floats <= this.capacity && this.buffer) return;
    const capacity = Math.max(floats, 1);
    const buffer = this.device.createBuffer({ size: capacity * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if (this.buffer) {
      const encoder = this.device.createCommandEncoder();
      if (this.keep > 0) encoder.copyBufferToBuffer(this.buffer, 0, buffer, 0, this.keep * 4);
      this.device.queue.submit([encoder.finish()]);
      this.buffer.destroy();
    }
    this.buffer = buffer;
    this.capacity = capacity;
    this.bind();
  }

  /** The step uniform: loop index t at byte offset t · alignment. */
  private reserveSteps(count: number): void {
    if (count <= this.stepCapacity && this.stepBuffer) return;
    const words = (count * this.align) / 4;
    const data = new Uint32Array(words);
    for (let t = 0; t < count; t++) data[(t * this.align) / 4] = t;
    this.stepBuffer?.destroy();
    this.stepBuffer = this.device.createBuffer({ size: words * 4, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(this.stepBuffer, 0, data);
    this.stepCapacity = count;
    this.bind();
  }

  private bind(): void {
    if (!this.buffer || !this.stepBuffer) return;
    this.bindGroup = this.device.createBindGroup({
      layout: this.groupLayout,
      entries: [
        { binding: 0, resource: { buffer: this.buffer } },
        { binding: 1, resource: { buffer: this.stepBuffer, size: 16 } },
      ],
    });
  }

  /** Input `i` of a call as floats: itself, or an integer input copied into the call's own array. */
  private floatsOf(call: GpuCall, i: number, values: Float32Array | Int32Array): Float32Array {
    if (values instanceof Float32Array) return values;
    let f = call.floats[i];
    if (f?.length !== values.length) f = call.floats[i] = new Float32Array(values.length);
    f.set(values);
    return f;
  }

  private copyOut(encoder: GPUCommandEncoder, ranges: readonly (readonly [number, number])[]): GPUBuffer {
    const bytes = Math.max(4, ranges.reduce((a, [, n]) => a + n, 0) * 4);
    const fits = this.staging.filter((b) => b.size >= bytes).sort((a, b) => a.size - b.size)[0];
    const staging = fits ? this.staging.splice(this.staging.indexOf(fits), 1)[0]! : this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    let at = 0;
    for (const [offset, n] of ranges) {
      if (n > 0) encoder.copyBufferToBuffer(this.buffer!, offset * 4, staging, at * 4, n * 4);
      at += n;
    }
    return staging;
  }

  private async mapped(staging: GPUBuffer, ranges: readonly (readonly [number, number])[]): Promise<Float32Array[]> {
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = new Float32Array(staging.getMappedRange());
    let at = 0;
    const values = ranges.map(([, n]) => mapped.slice(at, (at += n)));
    staging.unmap();
    this.spare(staging);
    return values;
  }

  /** Keeps a readback buffer for the next call, unless the model is gone; past a few, the largest goes. */
  private spare(staging: GPUBuffer): void {
    if (this.failure) return staging.destroy();
    this.staging.push(staging);
    if (this.staging.length <= GPU_SPARE_STAGING) return;
    const largest = this.staging.reduce((a, b) => (b.size > a.size ? b : a));
    this.staging.splice(this.staging.indexOf(largest), 1);
    largest.destroy();
  }
}

/**
 * Offsets of a plan's regions: arguments where the caller put them, each group of buffers
 * placed by liveness (placeBuffers), groups one after another from `start`.
 */
export function gpuPlace(regions: readonly GpuRegion[], args: readonly number[], start: number): { offsets: number[]; end: number } {
  const offsets = new Array<number>(regions.length).fill(0);
  const groups = new Map<number, number[]>();
  regions.forEach((r, i) => {
    if ("arg" in r) offsets[i] = args[r.arg]!;
    else groups.set(r.group, [...(groups.get(r.group) ?? []), i]);
  });
  let end = start;
  for (const g of [...groups.keys()].sort((a, b) => a - b)) {
    const members = groups.get(g)!.map((i) => regions[i] as { size: number; first: number; last: number });
    const placed = placeBuffers(members.map((r) => r.size), members.map((r) => r.first), members.map((r) => r.last));
    groups.get(g)!.forEach((i, j) => (offsets[i] = end + placed.offsets[j]!));
    end += placed.total;
  }
  return { offsets, end };
}
// dnnc:helpers-end
