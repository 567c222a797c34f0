// WebAssembly runtime: the kernels the compiler generated as a WebAssembly binary (backend/wasm/),
// embedded in the module as base64, compiled on first use. The products run in the kernels'
// own linear memory: operands are copied in, results copied out, and the memory grows only when
// a product needs more than any before (counted in memoryStats, so steady-state training still
// allocates nothing). With threads (Node's workers, as the ts target's), the memory is shared and
// each thread takes whole tiles of rows of C, product and epilogue: every element is computed as
// on one thread, so results are bit-identical. Typed here without the DOM library.
import { memoryStats } from "../cpu/stats.ts";
import { createOptions, type CreateOptions } from "../cpu/model.ts";
import { threadStats, type WorkerThreads } from "../cpu/threads.ts";
import { base64Bytes, sharedMemoryVariant } from "./binary.ts";
// dnnc:helpers-begin

/** What the runtime uses of the WebAssembly global, typed without lib.dom. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type Kernel = (...args: number[]) => void;

/** Linear memory is addressed by 32-bit byte offsets: 4 GiB (65,536 pages) at most. */
const WASM_MAX_PAGES = 65536;

/** Floats `n` rounded up to whole 16-byte vectors. */
const vectors = (n: number): number => Math.ceil(n / 4) * 4;

/** One thread's share of a product: its arguments, then its epilogue's (index −1: none). */
const CONTROL_INTS = 64;

/** A worker: job number, job done, epilogue, 11 product arguments, count of epilogue arguments, those. */
const WASM_WORKER = `"use strict";
const { workerData } = require("node:worker_threads");
const { bytes, memory, control: c } = workerData;
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
const epilogues = [];
for (let e = 0; exports["e" + e] !== undefined; e++) epilogues.push(exports["e" + e]);
for (let seen = 0; ; ) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (seen < 0) break;
  exports.product(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]);
  if (c[2] >= 0) epilogues[c[2]](...c.subarray(15, 15 + c[14]));
  Atomics.store(c, 1, seen);
  Atomics.notify(c, 1);
}`;

export class WasmKernels {
  private memory: WasmMemory | undefined;
  private exports: Record<string, unknown> = {};
  private epilogues: Kernel[] = [];
  private f32 = new Float32Array(0);
  /** Workers' control words (empty: one thread), and the last job number. */
  private controls: Int32Array[] = [];
  private jobs = 0;
  /** Whether the products fuse multiply and add (relaxed SIMD), known once compiled. */
  fused = false;
  private readonly binary: string;
  private readonly fmaBinary: string;
  /** The micro-kernel's tile: rows of A and columns of B per panel (how much room packing takes). */
  private readonly mr: number;
  private readonly nr: number;
  /** Per epilogue, each input's row stride: 0 (none), 1 (one value per row), 2 (a whole row). */
  private readonly rowStrides: readonly (readonly number[])[];
  /** One thread's arguments of the product and of its epilogue, reused from call to call. */
  private readonly productArgs: number[] = [];
  private readonly epilogueArgs: number[] = [];

  /**
   * `binary` runs on every engine with SIMD128; `fmaBinary`, the same with relaxed SIMD's fused
   * multiply-add, where the engine has it.
   */
  constructor(binary: string, fmaBinary: string, mr: number, nr: number, rowStrides: readonly (readonly number[])[] = []) {
    this.binary = binary;
    this.fmaBinary = fmaBinary;
    this.mr = mr;
    this.nr = nr;
    this.rowStrides = rowStrides;
  }

  /** create()'s options checked, the threads started: the seed. */
  createSeed(where: string, options: CreateOptions): number {
    const { seed, threads } = createOptions(where, options);
    if (threads > 1 && this.controls.length === 0) this.startWorkers(threads, options.workerThreads!);
    return seed;
  }

  /**
   * C = op(A) @ op(B), as the TypeScript target's product (cpu/threads.ts): an m×k op(A) at
   * A[ao…] (stored k×m when `ta`), a k×n op(B) at B[bo…] (n×k when `tb`), C row-major at C[co…].
   */
  product(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array, co: number, m: number, n: number, k: number): void {
    const c = this.run(-1, A, ao, ta, B, bo, tb, m, n, k, [], 0);
    C.set(this.f32.subarray(c, c + m * n), co);
  }

  /**
   * The product (its operands as `product` reads them, at offset 0), then epilogue `epilogue`
   * over it in linear memory, reading `inputs` (copied in whole) and writing `outputs` (m·n
   * each); C is copied out only into `C`, when the function reads it later.
   */
  productWith(epilogue: number, A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number, inputs: readonly Float32Array[], outputs: readonly Float32Array[], C: Float32Array | undefined): void {
    const c = this.run(epilogue, A, ao, ta, B, bo, tb, m, n, k, inputs, outputs.length);
    const f32 = this.f32;
    let at = this.outputsAt;
    for (const out of outputs) out.set(f32.subarray(at, at + m * n)), (at += vectors(m * n));
    if (C) C.set(f32.subarray(c, c + m * n));
  }

  /** Where the last product's epilogue wrote its outputs, one after the other. */
  private outputsAt = 0;

  /**
   * Lays out linear memory (A, B, C, each thread's packing room, the epilogue's inputs and
   * outputs), copies the operands in, runs the product and epilogue on every thread; returns
   * where C is, in floats.
   */
  private run(epilogue: number, A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number, inputs: readonly Float32Array[], outputs: number): number {
    if (!this.memory) this.instantiate(false);
    // Threads for products big enough to pay for the hand-off, whose epilogue's arguments fit a control block.
    const fits = 15 + 3 + inputs.length + outputs <= CONTROL_INTS;
    const threads = this.controls.length > 0 && fits && m >= 2 * this.mr && m * n * k >= 1 << 18 ? this.controls.length + 1 : 1;
    const share = Math.ceil(m / threads / this.mr) * this.mr;
    const a = 0;
    const b = a + vectors(m * k);
    const c = b + vectors(k * n);
    const packing = c + vectors(m * n);
    const room = share * k + Math.ceil(n / this.nr) * this.nr * k;
    let at = packing + threads * room;
    const inputAt: number[] = [];
    for (const x of inputs) inputAt.push(at), (at += vectors(x.length));
    this.outputsAt = at;
    this.reserve(at + outputs * vectors(m * n));
    const f32 = this.f32;
    f32.set(A.subarray(ao, ao + m * k), a);
    f32.set(B.subarray(bo, bo + k * n), b);
    inputs.forEach((x, i) => f32.set(x, inputAt[i]!));
    const rows = this.rowStrides[epilogue] ?? [];
    // Thread t's rows r0… of C: its arguments (pointers in bytes), and how many rows.
    const job = (t: number): number => {
      const r0 = t * share;
      const count = Math.min(share, m - r0);
      const ap = packing + t * room;
      const into = this.productArgs;
      into.length = 0;
      into.push(4 * (a + (ta ? r0 : r0 * k)), ta ? 1 : 0, ta ? m : k, 4 * b, tb ? 1 : 0, 4 * (c + r0 * n), count, n, k, 4 * ap, 4 * (ap + share * k));
      if (epilogue < 0) return count;
      const epi = this.epilogueArgs;
      epi.length = 0;
      epi.push(4 * (c + r0 * n), count, n);
      inputs.forEach((_, i) => epi.push(4 * (inputAt[i]! + (rows[i] === 2 ? r0 * n : rows[i] === 1 ? r0 : 0))));
      for (let o = 0; o < outputs; o++) epi.push(4 * (this.outputsAt + o * vectors(m * n) + r0 * n));
      return count;
    };
    const { productArgs, epilogueArgs } = this;
    const number = ++this.jobs;
    for (let t = 1; t < threads; t++) {
      const control = this.controls[t - 1]!;
      if (job(t) <= 0) continue;
      control[2] = epilogue;
      control.set(productArgs, 3);
      control[14] = epilogue < 0 ? 0 : epilogueArgs.length;
      if (epilogue >= 0) control.set(epilogueArgs, 15);
      Atomics.store(control, 0, number);
      Atomics.notify(control, 0);
    }
    job(0);
    (this.exports["product"] as Kernel)(...productArgs);
    if (epilogue >= 0) this.epilogues[epilogue]!(...epilogueArgs);
    for (let t = 1; t < threads; t++) {
      if (t * share >= m) continue;
      // Sleep only while the value is still the one just read (see cpu/threads.ts).
      const control = this.controls[t - 1]!;
      for (let v; (v = Atomics.load(control, 1)) !== number; ) Atomics.wait(control, 1, v);
    }
    if (threads > 1) threadStats.splitProducts++;
    return c;
  }

  /** Linear memory of at least `floats` floats; growing it is an allocation. */
  private reserve(floats: number): void {
    const memory = this.memory!;
    const bytes = 4 * floats;
    if (bytes > WASM_MAX_PAGES * 65536) throw new RangeError(`a matrix product needs ${bytes} bytes of WebAssembly memory, more than the 4 GiB it can address`);
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / 65536);
      memory.grow(pages);
      memoryStats.allocations++;
      memoryStats.bytes += pages * 65536;
    }
    if (this.f32.buffer !== memory.buffer || this.f32.length * 4 !== memory.buffer.byteLength) this.f32 = new Float32Array(memory.buffer);
  }

  private wasm(): WasmApi {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) throw new Error("this model was compiled for the wasm target, and this JavaScript engine has no WebAssembly: compile it with --target ts");
    return wasm;
  }

  /** The binary this engine runs (relaxed SIMD where it validates), with a shared memory or not. */
  private bytes(shared: boolean): Uint8Array {
    const fma = base64Bytes(this.fmaBinary);
    this.fused = this.wasm().validate(fma);
    const bytes = this.fused ? fma : base64Bytes(this.binary);
    return shared ? sharedMemoryVariant(bytes) : bytes;
  }

  /** Compiles the kernels on this thread, with a new memory (the products keep nothing there between calls). */
  private instantiate(shared: boolean): Uint8Array {
    const wasm = this.wasm();
    const bytes = this.bytes(shared);
    const memory = new wasm.Memory({ initial: 1, maximum: WASM_MAX_PAGES, ...(shared ? { shared: true } : {}) });
    try {
      this.exports = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
    } catch (e) {
      // An engine without SIMD128 refuses the module (every current browser and Node ≥ 16 has it).
      throw new Error(`this model's WebAssembly kernels did not load (${e instanceof Error ? e.message : String(e)}); an engine without WebAssembly SIMD needs --target ts`);
    }
    memoryStats.allocations++;
    memoryStats.bytes += 65536;
    this.memory = memory;
    this.epilogues = [];
    for (let e = 0; this.exports[`e${e}`] !== undefined; e++) this.epilogues.push(this.exports[`e${e}`] as Kernel);
    return bytes;
  }

  /** Starts `count − 1` workers running the same kernels on a shared memory (the module imports nothing: the caller hands in `node:worker_threads`). */
  private startWorkers(count: number, wt: WorkerThreads): void {
    if (typeof SharedArrayBuffer === "undefined") throw new Error("threads need SharedArrayBuffer (in a browser: a cross-origin isolated page)");
    const bytes = this.instantiate(true);
    for (let w = 1; w < count; w++) {
      const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
      const worker = new wt.Worker(WASM_WORKER, { eval: true, workerData: { bytes, memory: this.memory, control }, transferList: [] });
      worker.unref(); // idle workers never keep the process alive
      this.controls.push(control);
    }
  }
}

// dnnc:helpers-end
