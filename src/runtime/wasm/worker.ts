// WebAssembly runtime: the worker threads' side — the source each worker runs (the same kernels,
// instantiated over the shared memory) and the control block the main thread writes a job into.
// A job is a product and its epilogue for some rows of C, or any other kernel for a part of its
// outermost loop; the main thread does its own part meanwhile (kernels.ts).
// dnnc:helpers-begin

/** Loads of a control word before a thread sleeps on it (tens of microseconds). */
export const SPIN = 20000;

/** The control block, in 32-bit words: the job number, done, and a job's kernel and arguments. */
export const CONTROL_INTS = 64;

/**
 * A worker: job number, job done, then either a product (epilogue or −1, 11 product arguments,
 * count of epilogue arguments, those) or, with −2, a call of a kernel by number (`named`: the
 * windows, then the elementwise kernels), its count of arguments and those; the window's last
 * argument, its fill, is a float (read through a float view of the same words).
 */
export const WASM_WORKER = `"use strict";
const { workerData } = require("node:worker_threads");
const { bytes, fmaBytes, memory, control: c } = workerData;
const load = (b) => new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports;
const exports = load(bytes);
const product = fmaBytes ? load(fmaBytes).product : exports.product;
const epilogues = [];
for (let e = 0; exports["e" + e] !== undefined; e++) epilogues.push(exports["e" + e]);
const named = [exports.window, exports.unwindow];
for (let k = 0; exports["k" + k] !== undefined; k++) named.push(exports["k" + k]);
const cf = new Float32Array(c.buffer);
export const SPIN = ${SPIN};
for (let seen = 0; ; ) {
  // Kernels come in quick succession during a step: spin a little before sleeping, as waking a
  // sleeping thread costs more than many of them take.
  for (let spin = 0; spin < SPIN && Atomics.load(c, 0) === seen; spin++);
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (seen < 0) break;
  if (c[2] === -2) {
    const args = Array.from(c.subarray(5, 5 + c[4]));
    if (c[3] === 0) args[c[4] - 1] = cf[4 + c[4]];
    named[c[3]](...args);
  } else {
    product(c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]);
    if (c[2] >= 0) epilogues[c[2]](...c.subarray(15, 15 + c[14]));
  }
  Atomics.store(c, 1, seen);
  Atomics.notify(c, 1);
}`;

// dnnc:helpers-end
