// WebAssembly runtime: how threads share a kernel. A job is a kernel call (or a product and its
// epilogue) over [0, count) cut into chunks; the main thread publishes it in a control block
// shared with every worker, and every thread — the main one included — claims chunks until none
// is left. A thread that wakes late finds fewer chunks (or none) rather than holding the others
// up: waking a sleeping thread takes longer here than many kernels take. The main thread claims
// from the front, the workers from the back, so with one worker each thread keeps to its own end
// of every job, and consecutive kernels find the rows they read in their own core's cache where
// the threads keep pace. Each chunk is computed as one thread would compute it, so results are
// bit-identical whoever runs it.
// Each argument of a call is affine in the chunk: base + from·a + to·b + thread·c + first·d +
// chunk·e, where [from, to) is the chunk, `chunk` its number (where a reduction's block puts its
// partial result), `thread` the thread's number (its own scratch room) and `first` 1 on a
// thread's first chunk of the job (a product packs the operand every chunk shares only then).
// dnnc:helpers-begin

/** How long a worker spins on the control block before it sleeps, in milliseconds: kernels come in quick succession during a step. */
export const SPIN_MS = 2;

/** The control block's words: the job number, the next chunk to claim (tagged with the job), chunks done, the chunking, the calls. */
export const CONTROL_INTS = 2048;
const JOB = 0;
const CLAIM = 1;
const DONE = 2;
const CHUNKS = 3;
const SIZE = 4;
const COUNT = 5;
const CALLS = 6;
const FIRST_CALL = 7;
/** Words per argument: its base and its factors of from, to, thread, first and chunk. */
const ARG_INTS = 6;

export type Kernel = (...args: number[]) => void;

/** Kernels by number, as the main thread and every worker number them (kernelTable): these, then the epilogues e0, e1, …, then the elementwise kernels k0, k1, …. */
export const PRODUCT = 0;
export const WINDOW = 1;
export const UNWINDOW = 2;
export const GATHER = 3;
export const SCATTER = 4;

/** The kernels a job names, by number; and where the epilogues and the elementwise kernels start. */
export function kernelTable(exports: Record<string, unknown>, product: unknown): { kernels: Kernel[]; epilogues: number; elementwise: number } {
  const kernels = [product, exports["window"], exports["unwindow"], exports["gather_rows"], exports["scatter_rows"]] as Kernel[];
  const epilogues = kernels.length;
  for (let e = 0; exports[`e${e}`] !== undefined; e++) kernels.push(exports[`e${e}`] as Kernel);
  const elementwise = kernels.length;
  for (let k = 0; exports[`k${k}`] !== undefined; k++) kernels.push(exports[`k${k}`] as Kernel);
  return { kernels, epilogues, elementwise };
}

/**
 * Claims and runs chunks of the job in control block `c` (`f`: the same words as floats) until
 * none is left, as thread `thread`. A claim is a compare-and-swap of the claim word, tagged with
 * the job's number: a thread still holding an older job's number claims nothing of a newer one.
 * Self-contained: the workers run its source text.
 */
export function work(c: Int32Array, f: Float32Array, kernels: readonly ((...args: number[]) => void)[], job: number, thread: number, args: number[]): void {
  // The control block's words by number (JOB…FIRST_CALL, ARG_INTS above), not by name: a bundler may rename the names.
  // The chunk count is read before the first claim, atomically: a claim of this job's tag then
  // proves it is this job's (the main thread clears the claim word before it writes a new job).
  const tag = job & 0x7fff;
  const chunks = Atomics.load(c, 3);
  // The claim word: the job's tag, chunks taken from the front (the main thread's), from the back (the workers').
  const step = thread === 0 ? 0x100 : 1;
  for (let first = 1; ; first = 0) {
    let claim = Atomics.load(c, 1);
    while (claim >>> 16 === tag && ((claim >> 8) & 0xff) + (claim & 0xff) < chunks) {
      const seen = Atomics.compareExchange(c, 1, claim, claim + step);
      if (seen === claim) break;
      claim = seen;
    }
    if (claim >>> 16 !== tag || ((claim >> 8) & 0xff) + (claim & 0xff) >= chunks) return;
    const chunk = thread === 0 ? (claim >> 8) & 0xff : chunks - 1 - (claim & 0xff);
    const from = chunk * c[4]!;
    const to = Math.min(c[5]!, from + c[4]!);
    for (let call = 0, at = 7; call < c[6]!; call++) {
      const kernel = c[at]!;
      const n = c[at + 1]!;
      const floats = c[at + 2]!;
      at += 3;
      args.length = 0;
      for (let i = 0; i < n; i++, at += 6) args.push((floats >> i) & 1 ? f[at]! : c[at]! + from * c[at + 1]! + to * c[at + 2]! + thread * c[at + 3]! + first * c[at + 4]! + chunk * c[at + 5]!);
      kernels[kernel]!(...args);
    }
    if (Atomics.add(c, 2, 1) + 1 === chunks) Atomics.notify(c, 2);
  }
}

/**
 * A job as the main thread writes it: `begin`, then per call `call` and its arguments, then `run`.
 * With no workers it runs the calls itself over the whole range, through the same arguments.
 */
export class JobBoard {
  readonly control: Int32Array;
  private readonly floats: Float32Array;
  private jobs = 0;
  private at = FIRST_CALL;
  private callAt = 0;
  private readonly args: number[] = [];

  /** The workers taking chunks besides the main thread. */
  readonly workers: number;

  constructor(workers: number) {
    this.workers = workers;
    this.control = new Int32Array(workers > 0 ? new SharedArrayBuffer(4 * CONTROL_INTS) : new ArrayBuffer(4 * CONTROL_INTS));
    this.floats = new Float32Array(this.control.buffer);
  }

  /**
   * A new job over [0, count), in chunks of `size` — all of it in one without workers, unless
   * `always`: chunks that pay on one thread too (what a chunk writes stays in cache for the next call).
   */
  begin(count: number, size: number, always = false): this {
    const c = this.control;
    // No thread may claim a chunk of the old job while the new one is written (tag 0 is no job's).
    Atomics.store(c, CLAIM, 0);
    const whole = (this.workers === 0 && !always) || size >= count;
    c[COUNT] = count;
    c[SIZE] = whole ? Math.max(count, 1) : size;
    // At most 255 chunks: the claim word counts each end's in a byte.
    Atomics.store(c, CHUNKS, whole ? 1 : Math.ceil(count / size));
    if (c[CHUNKS]! > 255) throw new Error(`a job of ${c[CHUNKS]} chunks: at most 255`);
    c[CALLS] = 0;
    this.at = FIRST_CALL;
    return this;
  }

  /** A call of kernel `kernel` (kernelTable's numbering); its arguments follow. */
  call(kernel: number): this {
    const c = this.control;
    this.callAt = this.at;
    c[this.at] = kernel;
    c[this.at + 1] = 0;
    c[this.at + 2] = 0;
    this.at += 3;
    c[CALLS]!++;
    return this;
  }

  /** An argument: base + from·perFrom + to·perTo + thread·perThread + first·perFirst + chunk·perChunk. */
  arg(base: number, perFrom = 0, perTo = 0, perThread = 0, perFirst = 0, perChunk = 0): this {
    if (this.at + ARG_INTS > CONTROL_INTS) throw new Error("a job's arguments outgrew the control block");
    const c = this.control;
    c[this.at] = base;
    c[this.at + 1] = perFrom;
    c[this.at + 2] = perTo;
    c[this.at + 3] = perThread;
    c[this.at + 4] = perFirst;
    c[this.at + 5] = perChunk;
    this.at += ARG_INTS;
    c[this.callAt + 1]!++;
    return this;
  }

  /** The chunk's length, to − from. */
  count(): this {
    return this.arg(0, -1, 1);
  }

  /** A float argument (the same in every chunk). */
  float(value: number): this {
    const c = this.control;
    c[this.callAt + 2]! |= 1 << c[this.callAt + 1]!;
    this.floats[this.at] = value;
    this.at += ARG_INTS;
    c[this.callAt + 1]!++;
    return this;
  }

  /** Whether the job runs in more than one chunk (the workers may take some). */
  get split(): boolean {
    return this.control[CHUNKS]! > 1;
  }

  /** Runs the job: publishes it to the workers, takes chunks, and waits until every chunk is done. */
  run(kernels: readonly Kernel[]): void {
    const c = this.control;
    const job = (this.jobs = (this.jobs % 0x7fff) + 1);
    c[DONE] = 0;
    Atomics.store(c, CLAIM, job << 16);
    // A job in one chunk, or with no workers, is the main thread's: the workers never see its number.
    if (!this.split || this.workers === 0) return work(c, this.floats, kernels, job, 0, this.args);
    Atomics.store(c, JOB, job);
    Atomics.notify(c, JOB);
    work(c, this.floats, kernels, job, 0, this.args);
    const chunks = c[CHUNKS]!;
    const t0 = performance.now();
    for (let spin = 0, v; (v = Atomics.load(c, DONE)) !== chunks; spin++) if ((spin & 1023) === 1023 && performance.now() - t0 > SPIN_MS) Atomics.wait(c, DONE, v, SPIN_MS);
  }
}

/**
 * A worker's source: the kernels instantiated over the shared memory, then forever: spin a
 * little on the job number, sleep until it changes, take chunks of the new job.
 */
export const WASM_WORKER = `"use strict";
const { workerData } = require("node:worker_threads");
const { bytes, fmaBytes, memory, control: c, thread } = workerData;
const load = (b) => new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports;
const exports = load(bytes);
${kernelTable.toString()}
${work.toString()}
const { kernels } = kernelTable(exports, fmaBytes ? load(fmaBytes).product : exports.product);
const f = new Float32Array(c.buffer);
const args = [];
for (let seen = 0; ; ) {
  const t0 = performance.now();
  for (let spin = 0; Atomics.load(c, ${JOB}) === seen; spin++) if ((spin & 1023) === 1023 && performance.now() - t0 > ${SPIN_MS}) Atomics.wait(c, ${JOB}, seen);
  seen = Atomics.load(c, ${JOB});
  if (seen < 0) break;
  work(c, f, kernels, seen, thread, args);
}`;

// dnnc:helpers-end
