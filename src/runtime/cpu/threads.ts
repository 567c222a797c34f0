// Both cores for the matmuls, opt-in: `create({ threads: 2, workerThreads })` starts worker
// threads that run the same gemm on memory shared with the main thread (SharedArrayBuffer).
// A product is split by rows of C; rows are independent, each computed by the same sequence
// of operations, so results are bit-identical to one thread. The module still imports
// nothing: the caller hands in Node's `node:worker_threads` module, and the workers run the
// source text of this module's own gemm.
import { gemmRows, gemmScratch } from "./gemm.ts";
// dnnc:helpers-begin

/** What the module needs of `node:worker_threads` (pass `await import("node:worker_threads")`). */
export interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown; transferList: unknown[] }) => { unref(): void; terminate(): Promise<number> };
  MessageChannel: new () => { port1: { postMessage(message: unknown): void; unref(): void }; port2: unknown };
}

interface ThreadPool {
  /** Per worker: [job number, job done, then the job's 12 arguments]. */
  controls: Int32Array[];
  ports: { postMessage(message: unknown): void }[];
  /** Shared buffers the workers know, by their index there. */
  ids: Map<ArrayBufferLike, number>;
  jobs: number;
}

/**
 * The most threads a model may ask for: a fixed bound, the same on every machine (so a program
 * that runs on one runs on all), well past what splitting a product by rows gains from, that
 * keeps a typo such as `threads: 1000` from starting a thousand workers.
 */
export const MAX_THREADS = 64;

let threadPool: ThreadPool | undefined;
/** Products run split across threads (for tests and benchmarks to see that the pool works). */
export const threadStats = { splitProducts: 0 };

/** Starts `count - 1` workers (the main thread is the last one); idempotent. Memory allocated from now on is shared. */
export function startThreads(count: number, wt: WorkerThreads): void {
  if (!Number.isInteger(count) || count > MAX_THREADS) throw new RangeError(`threads must be an integer of at most ${MAX_THREADS}, received ${String(count)}`);
  if (threadPool || count < 2) return;
  if (typeof SharedArrayBuffer === "undefined") throw new Error("threads need SharedArrayBuffer (in a browser: a cross-origin isolated page)");
  const source = `"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const scratch = { a: new Float64Array(0), b: new Float64Array(0), stats: { allocations: 0, bytes: 0 } };
${gemmRows.toString()}
const { control, port } = workerData;
const views = [];
let seen = 0;
for (;;) {
  Atomics.wait(control, 0, seen);
  seen = Atomics.load(control, 0);
  if (seen < 0) break;
  for (let m; (m = receiveMessageOnPort(port)) !== undefined; ) views.push(new Float32Array(m.message));
  const j = control;
  gemmRows(views[j[2]], j[3], j[4] === 1, views[j[5]], j[6], j[7] === 1, views[j[8]], j[9], j[10], j[11], j[12], j[13], scratch);
  Atomics.store(control, 1, seen);
  Atomics.notify(control, 1);
}`;
  const pool: ThreadPool = { controls: [], ports: [], ids: new Map(), jobs: 0 };
  for (let w = 1; w < count; w++) {
    const control = new Int32Array(new SharedArrayBuffer(4 * 14));
    const channel = new wt.MessageChannel();
    const worker = new wt.Worker(source, { eval: true, workerData: { control, port: channel.port2 }, transferList: [channel.port2] });
    worker.unref(); // idle workers never keep the process alive
    channel.port1.unref();
    pool.controls.push(control);
    pool.ports.push(channel.port1);
  }
  threadPool = pool;
}

export const threadsStarted = (): boolean => threadPool !== undefined;

/** A new zeroed array, in shared memory once threads have started (the workers learn of it). */
export function newFloat32(n: number): Float32Array {
  const pool = threadPool;
  if (!pool) return new Float32Array(n);
  const shared = new SharedArrayBuffer(4 * n);
  pool.ids.set(shared, pool.ids.size);
  for (const port of pool.ports) port.postMessage(shared);
  return new Float32Array(shared);
}

/**
 * C = op(A) @ op(B) (see gemmRows): split by rows between the threads when all three live in
 * shared memory and the product is big enough to pay for the hand-off; else on this thread.
 */
export function gemm(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array, co: number, m: number, n: number, k: number): void {
  const pool = threadPool;
  const lda = ta ? m : k;
  const ids = pool && m >= 16 && m * n * k >= 1 << 18 ? [A, B, C].map((x) => pool.ids.get(x.buffer)) : undefined;
  if (!pool || !ids || ids.some((id) => id === undefined)) return gemmRows(A, ao, ta, B, bo, tb, C, co, m, n, k, lda, gemmScratch);
  const threads = pool.controls.length + 1;
  // Whole 4-row tiles per thread; the main thread takes the first share.
  const share = Math.ceil(m / threads / 4) * 4;
  const job = ++pool.jobs;
  const base = (x: Float32Array) => x.byteOffset / 4;
  pool.controls.forEach((control, w) => {
    const r0 = Math.min(m, share * (w + 1));
    const rows = Math.min(share, m - r0);
    control.set([ids[0]!, base(A) + ao + (ta ? r0 : r0 * k), ta ? 1 : 0, ids[1]!, base(B) + bo, tb ? 1 : 0, ids[2]!, base(C) + co + r0 * n, rows, n, k, lda], 2);
    Atomics.store(control, 0, job);
    Atomics.notify(control, 0);
  });
  gemmRows(A, ao, ta, B, bo, tb, C, co, Math.min(share, m), n, k, lda, gemmScratch);
  // Sleep only while the value is still the one just read: reading it again for the wait could
  // see the worker's `job` after its notify had gone unheard, and sleep forever.
  for (const control of pool.controls) for (let v; (v = Atomics.load(control, 1)) !== job; ) Atomics.wait(control, 1, v);
  threadStats.splitProducts++;
}
// dnnc:helpers-end
