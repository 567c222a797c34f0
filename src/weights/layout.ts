// Moving a tensor's elements between layouts: a transpose (any permutation of the axes) and a
// reordering of equal blocks of rows (a recurrent layer's gates). The PyTorch-weights rules
// (rules.ts) are compositions of these; both are exact (elements are copied, never computed).

/** Row-major strides of `shape`. */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) out[k] = out[k + 1]! * shape[k + 1]!;
  return out;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** `data` of `shape` with its axes permuted: axis k of the result is axis perm[k] of the input (numpy's transpose). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const from = strides(shape);
  const outShape = perm.map((p) => shape[p]!);
  const step = perm.map((p) => from[p]!);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src]!;
    // Advance the result's index like an odometer, moving the source offset along.
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k]! < outShape[k]!) {
        src += step[k]!;
        break;
      }
      src -= step[k]! * (outShape[k]! - 1);
      index[k] = 0;
    }
  }
  return out;
}

/** The inverse permutation: permute(permute(x, s, p), p-applied shape, inverse(p)) is x. */
export const inverse = (perm: readonly number[]): number[] => perm.map((_, k) => perm.indexOf(k));

/** The shape `permute` gives. */
export const permuted = (shape: readonly number[], perm: readonly number[]): number[] => perm.map((p) => shape[p]!);

/**
 * `data` as `blocks.length` equal blocks along its first axis, reordered: block b of the result
 * is block blocks[b] of the input (a recurrent weight's gates, [r; z; n] → [z; r; n]).
 */
export function reorderBlocks(data: Float32Array, blocks: readonly number[]): Float32Array {
  const n = data.length / blocks.length;
  const out = new Float32Array(data.length);
  blocks.forEach((from, b) => out.set(data.subarray(from * n, (from + 1) * n), b * n));
  return out;
}

/** The element-wise float32 sum (an LSTM's two biases into Keras's one). */
export function addF32(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]!);
}

export const showShape = (shape: readonly number[]): string => `[${shape.join(", ")}]`;
