// Placing buffers in one arena. Shared by the compiler (to state peak memory for a batch size)
// and the generated code (which runs it once per batch size): the emitter copies the marked
// region verbatim, so both compute the same offsets.
// dnnc:helpers-begin

/**
 * Offsets for buffers alive from kernel `first[i]` to kernel `last[i]` (inclusive): largest first,
 * each at the lowest offset that no buffer alive at the same time occupies. Two buffers share
 * memory only if their lifetimes are disjoint. The compiler runs this same function to state
 * the peak memory it reports.
 */
export function placeBuffers(sizes: readonly number[], first: readonly number[], last: readonly number[]): { offsets: number[]; total: number } {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || first[a]! - first[b]! || a - b);
  const offsets = new Array<number>(sizes.length).fill(0);
  const placed: number[] = [];
  let total = 0;
  for (const i of order) {
    const busy = placed.filter((j) => first[i]! <= last[j]! && first[j]! <= last[i]!).sort((a, b) => offsets[a]! - offsets[b]!);
    let at = 0;
    for (const j of busy) {
      if (at + sizes[i]! <= offsets[j]!) break;
      at = Math.max(at, offsets[j]! + sizes[j]!);
    }
    offsets[i] = at;
    total = Math.max(total, at + sizes[i]!);
    placed.push(i);
  }
  return { offsets, total };
}
// dnnc:helpers-end
