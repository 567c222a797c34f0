// CPU runtime: counter-based random numbers for the initializers and dropout, the same bits
// as the interpreter (ir/interpret.ts) and the WGSL target produce.
// dnnc:helpers-begin

// Counter-based random numbers: element i of stream s under seed k is a pure function of
// (k, s, i), so results never depend on evaluation order, and a GPU can produce the same bits.
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function randomBits(seed: number, stream: number, i: number): number {
  return mix32(mix32(mix32(seed >>> 0) ^ stream) ^ i);
}

/** Uniform in [0, 1): the top 24 bits, so every value is a float32 exactly. */
export function uniformAt(seed: number, stream: number, i: number): number {
  return (randomBits(seed, stream, i) >>> 8) / 16777216;
}

/** Standard normal by Box–Muller from draws 2i and 2i + 1; u1 is in (0, 1] so the log is finite. */
export function normalAt(seed: number, stream: number, i: number): number {
  const u1 = ((randomBits(seed, stream, 2 * i) >>> 8) + 1) / 16777216;
  const u2 = (randomBits(seed, stream, 2 * i + 1) >>> 8) / 16777216;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// dnnc:helpers-end
