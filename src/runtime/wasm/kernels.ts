// WebAssembly runtime: the kernels the compiler generated as a WebAssembly binary (backend/wasm/),
// embedded in the module as base64, compiled on first use. Where the engine has shared memory
// (Node; a cross-origin isolated page), the module's arrays live in the kernels' linear memory and
// the kernels read and write them in place (operands.ts); growing a shared memory detaches no
// array. Elsewhere the kernels have a memory of their own and operands are copied in and results
// out. With threads (Node's workers, as the
// ts target's), a kernel runs as a job of chunks the threads claim (worker.ts): whole tiles of
// rows of C, product and epilogue (of columns, for a product alone with few rows), whole images
// of a window op, parts of an elementwise kernel's outermost loop, blocks of a large sum over it
// (always the same blocks). Every element is computed as on one thread, so results are
// bit-identical. Typed here without the DOM library.
import { createOptions, type CreateOptions } from "../cpu/model.ts";
import { threadStats, type WorkerThreads } from "../cpu/threads.ts";
import { base64Bytes, sharedMemoryVariant } from "./binary.ts";
import { LinearOperands, WASM_MAX_PAGES, type WasmApi, type WasmMemory } from "./operands.ts";
import { GATHER, JobBoard, kernelTable, PRODUCT, SCATTER, UNWINDOW, WASM_WORKER, WINDOW, type Kernel } from "./worker.ts";
// dnnc:helpers-begin

/** Chunks per thread of a job the threads share: enough that a thread slowed or woken late leaves the rest to the others. */
const CHUNKS_PER_THREAD = 4;

/**
 * Blocks of a large sum over an elementwise kernel's outermost loop, or of a product's k where C
 * is small and k long (a filter's gradient over the batch): parts the threads take, their partial
 * results added in order — the same blocks on any number of threads.
 */
const BLOCKS = 8;

/** The window op's sizes after its two pointers and its image count (backend/wasm/window.ts): H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw. */
function windowArgs(job: JobBoard, image: readonly number[], shape: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[]): void {
  for (const x of [...image.slice(1), ...shape.slice(1, 5), ...stride, ...dilation, ...padBefore]) job.arg(x);
}

/** The product's k in one run over a stored A (the chunk's length where undefined), and no windows' geometry (backend/wasm/gemm.ts's segs, seg, skip, then WINDOW_GEOMETRY). */
function storedRuns(job: JobBoard, k?: number): void {
  job.arg(1);
  if (k === undefined) job.count();
  else job.arg(k);
  job.arg(0);
  for (let i = 0; i < 7; i++) job.arg(0);
}

export class WasmKernels extends LinearOperands {
  /** The binaries instantiated (with their memory import shared or not), which workers instantiate too. */
  private instantiated: { bytes: Uint8Array; fmaBytes: Uint8Array | undefined } = { bytes: new Uint8Array(0), fmaBytes: undefined };
  /** Every kernel, numbered as a job names it (worker.ts's kernelTable), and where the epilogues and the elementwise kernels start. */
  private kernels: Kernel[] = [];
  private epilogueAt = 0;
  private elementwiseAt = 0;
  /** Where jobs are written for the threads (one thread: run at once). */
  private board = new JobBoard(0);
  /** Whether the products fuse multiply and add (relaxed SIMD), known once compiled. */
  fused = false;
  private readonly binary: string;
  private readonly fmaBinary: string;
  /** The micro-kernel's tile: rows of A and columns of B per panel (how much room packing takes). */
  private readonly mr: number;
  private readonly nr: number;
  /** Per epilogue, each input's row stride: 0 (none), 1 (one value per row), 2 (a whole row). */
  private readonly rowStrides: readonly (readonly number[])[];
  /** Reused from call to call: where each input and output is. */
  private readonly inputPlaces: number[] = [];
  private readonly outputPlaces: number[] = [];

  /**
   * `binary` runs on every engine with SIMD128; `fmaBinary` is the product alone with relaxed
   * SIMD's fused multiply-add, over the same memory, used where the engine validates it.
   */
  constructor(binary: string, fmaBinary: string, mr: number, nr: number, rowStrides: readonly (readonly number[])[] = []) {
    super();
    this.binary = binary;
    this.fmaBinary = fmaBinary;
    this.mr = mr;
    this.nr = nr;
    this.rowStrides = rowStrides;
  }

  /** create()'s options checked, the threads started: the seed. */
  createSeed(where: string, options: CreateOptions): number {
    const { seed, threads } = createOptions(where, options);
    if (threads > 1 && this.board.workers === 0) this.startWorkers(threads, options.workerThreads!);
    return seed;
  }

  /**
   * C = op(A) @ op(B), as the TypeScript target's product (cpu/threads.ts): an m×k op(A) at
   * A[ao…] (stored k×m when `ta`), a k×n op(B) at B[bo…] (n×k when `tb`), C row-major at C[co…].
   */
  product(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array, co: number, m: number, n: number, k: number, windows?: readonly number[]): void {
    this.run(-1, A, ao, ta, B, bo, tb, C, co, m, n, k, [], [], windows);
  }

  /**
   * The product (its operands as `product` reads them, at offset 0), then epilogue `epilogue`
   * over it, reading `inputs` and writing `outputs` (m·n each); C is kept in `C` only when the
   * function reads it later (else undefined: it stays in scratch). With `windows` ([H, W, C, OH, OW,
   * KH, KW, sh, sw]) A is the image whose windows (unpadded, undilated) op(A)'s rows are, or with
   * ta its columns: the product reads them from the image (backend/wasm/windowed.ts).
   */
  productWith(epilogue: number, A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number, inputs: readonly Float32Array[], outputs: readonly Float32Array[], C: Float32Array | undefined, windows?: readonly number[]): void {
    this.run(epilogue, A, ao, ta, B, bo, tb, C, 0, m, n, k, inputs, outputs, windows);
  }

  /**
   * Places every operand (where it is, when it is in linear memory; else a copy in scratch), runs
   * the product and epilogue on every thread, and copies out the results that live elsewhere.
   */
  private run(epilogue: number, A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array | undefined, co: number, m: number, n: number, k: number, inputs: readonly Float32Array[], outputs: readonly Float32Array[], windows: readonly number[] | undefined): void {
    this.ensure();
    // A small C deep in k: blocks of k, whatever the threads (rows or columns would be too few to share).
    if (epilogue < 0 && !windows && !tb && m * n <= 1 << 14 && k >= 1 << 12) return this.productByDepth(A, ao, ta, B, bo, C!, co, m, n, k);
    const { mr, nr } = this;
    // Products big enough to pay for the hand-off are cut into chunks of whole tiles: of rows of C,
    // or — a product alone, with fewer tiles of rows than of columns (a filter's gradient, 9 rows
    // deep in the batch) — of columns. Each thread packs once what every chunk shares.
    const big = this.board.workers > 0 && m * n * k >= 1 << 18;
    const byColumns = big && epilogue < 0 && Math.ceil(n / nr) > Math.ceil(m / mr);
    const [count, unit] = byColumns ? [n, nr] : [m, mr];
    const size = this.chunkSize(count, unit, big);
    const aRoom = Math.ceil((byColumns ? m : size) / mr) * mr * k;
    const room = aRoom + Math.ceil((byColumns ? size : n) / nr) * nr * k;
    // Scratch: a packing room per thread, then a slot per operand found elsewhere.
    this.planned = (size < count ? this.board.workers + 1 : 1) * room;
    const aLength = windows ? A.length - ao : m * k;
    const aSlot = this.slot(A, aLength);
    const bSlot = this.slot(B, k * n);
    const cSlot = this.slot(C, m * n);
    const inputPlaces = this.inputPlaces;
    const outputPlaces = this.outputPlaces;
    inputPlaces.length = outputPlaces.length = 0;
    for (const x of inputs) inputPlaces.push(this.slot(x, x.length));
    for (const x of outputs) outputPlaces.push(this.slot(x, m * n));
    const s = this.scratch(this.planned);
    const a = 4 * this.place(A, ao, aSlot, aLength, true);
    const b = 4 * this.place(B, bo, bSlot, k * n, true);
    const c = 4 * this.place(C, co, cSlot, m * n, false);
    inputs.forEach((x, i) => (inputPlaces[i] = this.place(x, 0, inputPlaces[i]!, x.length, true)));
    outputs.forEach((x, i) => (outputPlaces[i] = this.place(x, 0, outputPlaces[i]!, m * n, false)));
    // Pointers in bytes, each affine in the chunk [from, to) and the thread (worker.ts).
    const job = this.board.begin(count, size).call(PRODUCT);
    // A chunk of rows starts that far into stored A; into windowed A, at window (or feature) `from`.
    const aRow = windows ? 0 : ta ? 4 : 4 * k;
    if (byColumns) job.arg(a).arg(ta ? 1 : 0).arg(ta ? m : k).arg(b, tb ? 4 * k : 4).arg(tb ? 1 : 0).arg(c, 4).arg(n).arg(m).count().arg(k);
    else job.arg(a, aRow).arg(ta ? 1 : 0).arg(ta ? m : k).arg(b).arg(tb ? 1 : 0).arg(c, 4 * n).arg(n).count().arg(n).arg(k);
    // Packing rooms; packs: A every chunk of rows, B on a thread's first (the other way round by columns).
    job.arg(4 * s, 0, 0, 4 * room).arg(4 * (s + aRoom), 0, 0, 4 * room).arg(byColumns ? 2 : 1, 0, 0, 0, byColumns ? 1 : 2);
    // row0, then k's runs and the windows' geometry (backend/wasm/gemm.ts, windowed.ts).
    job.arg(0, windows && !byColumns ? 1 : 0);
    if (!windows) storedRuns(job, k);
    else {
      const [H, W, Cc, OH, OW, KH, KW, sh, sw] = windows as [number, number, number, number, number, number, number, number, number];
      if (ta) job.arg(1).arg(k).arg(0);
      else job.arg(KH).arg(KW * Cc).arg(4 * (W - KW) * Cc);
      job.arg(OW).arg(OH * OW).arg(4 * sw * Cc).arg(4 * sh * W * Cc).arg(4 * H * W * Cc).arg(KW * Cc).arg(4 * W * Cc);
    }
    if (epilogue >= 0) {
      const rows = this.rowStrides[epilogue] ?? [];
      job.call(this.epilogueAt + epilogue).arg(c, 4 * n).count().arg(n);
      inputPlaces.forEach((at, i) => job.arg(4 * at, rows[i] === 2 ? 4 * n : rows[i] === 1 ? 4 : 0));
      for (const at of outputPlaces) job.arg(4 * at, 4 * n);
    }
    job.run(this.kernels);
    if (job.split) threadStats.splitProducts++;
    outputs.forEach((x, i) => this.copyOut(x, 0, outputPlaces[i]!, m * n));
    if (C) this.copyOut(C, co, c / 4, m * n);
  }

  /**
   * C = op(A) @ B (B stored k×n) as `BLOCKS` products over blocks of k into partial results,
   * added in block order: the threads take blocks, each packing its own block of A and of B (a
   * split by columns would have every thread read every cache line of B).
   */
  private productByDepth(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, C: Float32Array, co: number, m: number, n: number, k: number): void {
    const { mr, nr } = this;
    const size = Math.ceil(k / BLOCKS);
    const blocks = Math.ceil(k / size);
    const aRoom = Math.ceil(m / mr) * mr * size;
    const room = aRoom + Math.ceil(n / nr) * nr * size;
    this.planned = (this.board.workers + 1) * room;
    const partials = this.slot(undefined, blocks * m * n);
    const aSlot = this.slot(A, m * k);
    const bSlot = this.slot(B, k * n);
    const cSlot = this.slot(C, m * n);
    const s = this.scratch(this.planned);
    const a = 4 * this.place(A, ao, aSlot, m * k, true);
    const b = 4 * this.place(B, bo, bSlot, k * n, true);
    const c = this.place(C, co, cSlot, m * n, false);
    // Block [from, to) of k: A's rows (ta) or columns from `from`, B's rows from `from`; C the block's partial.
    const job = this.board.begin(k, size, true).call(PRODUCT);
    job.arg(a, ta ? 4 * m : 4).arg(ta ? 1 : 0).arg(ta ? m : k).arg(b, 4 * n).arg(0).arg(4 * (s + partials), 0, 0, 0, 0, 4 * m * n).arg(n).arg(m).arg(n).count();
    // Packing rooms per thread; both operands packed every block; row0; k in one run.
    job.arg(4 * s, 0, 0, 4 * room).arg(4 * (s + aRoom), 0, 0, 4 * room).arg(3).arg(0);
    storedRuns(job);
    job.run(this.kernels);
    if (job.split) threadStats.splitProducts++;
    this.addPartials(s + partials, blocks, m * n, c, 1);
    this.copyOut(C, co, c, m * n);
  }

  /** A job's chunk over [0, count), in whole units: all of it on one thread, or a few chunks per thread where `worth` it. */
  private chunkSize(count: number, unit: number, worth: boolean): number {
    const units = Math.ceil(count / unit);
    const threads = this.board.workers + 1;
    if (!worth || threads === 1 || units < 2) return count;
    return Math.ceil(units / Math.min(units, threads * CHUNKS_PER_THREAD, 255)) * unit;
  }

  /**
   * Sliding windows of an NHWC image, or with `add` their adjoint, by the kernels `window` and
   * `unwindow` (backend/wasm/window.ts), with the parameters of the TypeScript target's window
   * loop in cpu/nn.ts (unnamed: a name, even in a comment, would link that loop into the module).
   */
  windows(win: Float32Array, img: Float32Array, image: readonly number[], shape: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[], fill: number, add: boolean): void {
    this.ensure();
    const [N, H, W, C] = image as [number, number, number, number];
    const [, OH, OW, KH, KW] = shape as [number, number, number, number, number];
    const from = add ? win : img;
    const to = add ? img : win;
    this.planned = 0;
    const fromSlot = this.slot(from, from.length);
    const toSlot = this.slot(to, to.length);
    this.scratch(this.planned);
    const src = this.place(from, 0, fromSlot, from.length, true);
    const dst = this.place(to, 0, toSlot, to.length, false);
    // Each thread takes whole images: its windows and its pixels are its own.
    const perImage = H * W * C;
    const perWindows = OH * OW * KH * KW * C;
    const [srcPer, dstPer] = add ? [perWindows, perImage] : [perImage, perWindows];
    const job = this.board.begin(N, this.chunkSize(N, 1, to.length >= 1 << 16)).call(add ? UNWINDOW : WINDOW).arg(4 * dst, 4 * dstPer).arg(4 * src, 4 * srcPer).count();
    windowArgs(job, image, shape, stride, dilation, padBefore);
    if (!add) job.float(fill);
    job.run(this.kernels);
    this.copyOut(to, 0, dst, to.length);
  }

  /**
   * img (NHWC, `image`) ← the adjoint of windows `shape` (unwindow) of C = A @ op(B), an N·OH·OW × n
   * product with A row-major: C is computed a block of images at a time into scratch and added into
   * those images at once, never stored whole (backend/wasm/windowed.ts). The same sums in the same
   * order as the product and then `windows(…, add)`: bit-identical. Threads take blocks of images.
   */
  productUnwindow(A: Float32Array, B: Float32Array, tb: boolean, n: number, k: number, img: Float32Array, image: readonly number[], shape: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[]): void {
    this.ensure();
    const { mr, nr } = this;
    const [N, H, W, C] = image as [number, number, number, number];
    const [, OH, OW] = shape as [number, number, number];
    const rows = OH * OW;
    const m = N * rows;
    // Blocks of images a few per thread (and on one thread too: a block's C stays in cache for its adjoint).
    const size = Math.max(Math.ceil(N / 255), Math.min(this.chunkSize(N, 1, m * n * k >= 1 << 18), Math.ceil((1 << 16) / (rows * n))));
    const threads = this.board.workers + 1;
    const block = size * rows * n;
    const room = block + Math.ceil(size * rows / mr) * mr * k + Math.ceil(n / nr) * nr * k;
    this.planned = threads * room;
    const aSlot = this.slot(A, m * k);
    const bSlot = this.slot(B, k * n);
    const iSlot = this.slot(img, img.length);
    const s = this.scratch(this.planned);
    const a = 4 * this.place(A, 0, aSlot, m * k, true);
    const b = 4 * this.place(B, 0, bSlot, k * n, true);
    const at = this.place(img, 0, iSlot, img.length, false);
    // Per block of images [from, to): its rows of C into the thread's room, B packed on its first block…
    const job = this.board.begin(N, size, true).call(PRODUCT).arg(a, 4 * k * rows).arg(0).arg(k).arg(b).arg(tb ? 1 : 0);
    job.arg(4 * s, 0, 0, 4 * room).arg(n).arg(0, -rows, rows).arg(n).arg(k);
    job.arg(4 * (s + block), 0, 0, 4 * room).arg(4 * (s + room - Math.ceil(n / nr) * nr * k), 0, 0, 4 * room).arg(0, 0, 0, 0, 2);
    storedRuns(job.arg(0), k);
    // …then added into its images.
    job.call(UNWINDOW).arg(4 * at, 4 * H * W * C).arg(4 * s, 0, 0, 4 * room).count();
    windowArgs(job, image, shape, stride, dilation, padBefore);
    job.run(this.kernels);
    if (job.split) threadStats.splitProducts++;
    this.copyOut(img, 0, at, img.length);
  }

  /**
   * Elementwise kernel `k<index>` (backend/wasm/elementwise.ts) over `arrays` (the first `inputs`
   * read, the rest written) with its symbolic sizes and strides `dims`. A foreign array is copied
   * in whole, written or not, so the elements a kernel does not write come back as they were.
   * `partials` ≥ 0: a sum over the outermost loop into `arrays[partials]`, folded by blocks of that
   * loop (a fixed number of them whatever the threads) into float64 partial sums added in order.
   */
  elementwise(index: number, arrays: readonly Float32Array[], inputs: number, dims: readonly number[], outer: number, splits: boolean, partials = -1): void {
    this.ensure();
    this.planned = 0;
    const places = this.inputPlaces;
    places.length = 0;
    for (const x of arrays) places.push(this.slot(x, x.length));
    let elements = 0;
    for (const x of arrays) elements += x.length;
    const out = partials >= 0 ? arrays[partials]!.length : 0;
    const blocks = partials < 0 ? 1 : outer >= 8 * BLOCKS && elements >= 1 << 16 ? BLOCKS : 1;
    const size = Math.ceil(outer / blocks);
    // Float64 partials: two floats each, 16-byte aligned as every slot.
    const partialSlot = partials >= 0 ? this.slot(undefined, 2 * blocks * out) : 0;
    const s = this.scratch(this.planned);
    arrays.forEach((x, i) => (places[i] = 4 * this.place(x, 0, places[i]!, x.length, true)));
    const sums = s + partialSlot;
    if (partials >= 0) this.f32.fill(0, sums, sums + 2 * blocks * out);
    const count = splits || partials >= 0 ? outer : 1;
    const job = this.board.begin(count, partials >= 0 ? size : this.chunkSize(count, 1, elements >= 1 << 16), partials >= 0).call(this.elementwiseAt + index);
    places.forEach((x, i) => (i === partials ? job.arg(4 * sums, 0, 0, 0, 0, 8 * out) : job.arg(x)));
    for (const x of dims) job.arg(x);
    if (count > 1) job.arg(0, 1).arg(0, 0, 1);
    else job.arg(0).arg(outer);
    job.run(this.kernels);
    if (partials >= 0) this.addPartials(sums, Math.ceil(outer / size), out, places[partials]! / 4, 2);
    for (let i = inputs; i < arrays.length; i++) this.copyOut(arrays[i]!, 0, places[i]! / 4, arrays[i]!.length);
  }

  /** The `blocks` partial sums of `length` values at float `at` (float64 where `floats` is 2), added in block order and rounded once, into the floats at `out`. */
  private addPartials(at: number, blocks: number, length: number, out: number, floats: 1 | 2): void {
    const p = floats === 2 ? new Float64Array(this.f32.buffer, 4 * at, blocks * length) : this.f32.subarray(at, at + blocks * length);
    for (let j = 0; j < length; j++) {
      let v = 0;
      for (let b = 0; b < blocks; b++) v += p[b * length + j]!;
      this.f32[out + j] = v;
    }
  }

  private wasm(): WasmApi {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) throw new Error("this model was compiled for the wasm target, and this JavaScript engine has no WebAssembly: compile it with --target ts");
    return wasm;
  }

  /**
   * Compiles the kernels on first use (and the relaxed-SIMD product where the engine validates
   * it), over a shared memory where the engine has one — the module's arrays then live in it and
   * the kernels read them in place — else over a memory of their own, copied in and out.
   */
  protected ensure(): void {
    if (this.memory) return;
    const wasm = this.wasm();
    const fma = base64Bytes(this.fmaBinary);
    this.fused = wasm.validate(fma);
    let memory: WasmMemory;
    let home = false;
    try {
      if (typeof SharedArrayBuffer === "undefined") throw new Error("no SharedArrayBuffer");
      memory = new wasm.Memory({ initial: 1, maximum: WASM_MAX_PAGES, shared: true });
      home = true;
    } catch {
      // A browser page that is not cross-origin isolated has no shared memory.
      memory = new wasm.Memory({ initial: 1, maximum: WASM_MAX_PAGES });
    }
    const variant = (b: Uint8Array) => (home ? sharedMemoryVariant(b) : b);
    const bytes = variant(base64Bytes(this.binary));
    const fmaBytes = this.fused ? variant(fma) : undefined;
    const load = (b: Uint8Array) => new wasm.Instance(new wasm.Module(b), { env: { memory } }).exports;
    let exports: Record<string, unknown>;
    let product: unknown;
    try {
      exports = load(bytes);
      // The product: the kernels' own, or relaxed SIMD's where the engine has it.
      product = (fmaBytes ? load(fmaBytes) : exports)["product"];
    } catch (e) {
      // An engine without SIMD128 refuses the module (every current browser and Node ≥ 16 has it).
      throw new Error(`this model's WebAssembly kernels did not load (${e instanceof Error ? e.message : String(e)}); an engine without WebAssembly SIMD needs --target ts`);
    }
    this.instantiated = { bytes, fmaBytes };
    this.adopt(memory, home);
    ({ kernels: this.kernels, epilogues: this.epilogueAt, elementwise: this.elementwiseAt } = kernelTable(exports, product));
  }

  /** Starts `count − 1` workers running the same kernels on the shared memory (the module imports nothing: the caller hands in `node:worker_threads`). */
  private startWorkers(count: number, wt: WorkerThreads): void {
    this.ensure();
    if (!this.home) throw new Error("threads need SharedArrayBuffer (in a browser: a cross-origin isolated page)");
    this.board = new JobBoard(count - 1);
    for (let thread = 1; thread < count; thread++) {
      const worker = new wt.Worker(WASM_WORKER, { eval: true, workerData: { ...this.instantiated, memory: this.memory, control: this.board.control, thread }, transferList: [] });
      worker.unref(); // idle workers never keep the process alive
    }
  }

  /** Rows of a [rows, row] table by index into out, or with `scatter` out ← 0 then added at their indices (backend/wasm/gather.ts). */
  rows(scatter: boolean, out: Float32Array, from: Float32Array, rows: number, row: number, indices: Float32Array): void {
    this.ensure();
    this.planned = 0;
    const slots = [this.slot(out, out.length), this.slot(from, from.length), this.slot(indices, indices.length)] as const;
    this.scratch(this.planned);
    const to = this.place(out, 0, slots[0], out.length, false);
    if (scatter) this.f32.fill(0, to, to + out.length);
    const src = this.place(from, 0, slots[1], from.length, true);
    const at = this.place(indices, 0, slots[2], indices.length, true);
    // A gather's indices split between threads (each writes its own rows); a scatter's stay in order on one.
    const n = indices.length;
    const job = this.board.begin(n, this.chunkSize(n, 1, !scatter && n * row >= 1 << 16)).call(scatter ? SCATTER : GATHER);
    job.arg(4 * to, 4 * row).arg(4 * src).arg(4 * at, 4).count().arg(rows).arg(row).run(this.kernels);
    this.copyOut(out, 0, to, out.length);
  }
}

// dnnc:helpers-end
