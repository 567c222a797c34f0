// WebAssembly runtime: blocks of the kernels' linear memory for the module's arrays (parameters,
// optimizer state, arenas), so the kernels read and write them where they are, copying nothing.
// A block belongs to an owner — a model, or one of its workspaces — and returns to the free list
// when the owner is collected. Blocks are never tied to the arrays themselves: an arena's
// buffers are subarrays that outlive the view they were cut from, while an owner holds every
// array it uses for as long as it uses them. Every allocation between two `own` calls is the
// next owner's; the runtime calls `own` right after each allocating step (CpuModel, memory.ts).
// dnnc:helpers-begin

/** Free blocks of linear memory, first fit, neighbours merged; sizes and places in floats, 16-byte aligned. */
export class LinearHeap {
  /** Free blocks, sorted by place, never touching: [place, size, place, size, …]. */
  private readonly free: number[] = [];
  /** Where memory no block has used yet begins. */
  private top: number;
  /** Blocks allocated since the last `own`, as [place, size, …]. */
  private readonly pending: number[] = [];
  private readonly registry: { register(owner: object, held: number[]): void } | undefined;
  /** Makes linear memory hold at least so many floats. */
  private readonly grow: (floats: number) => void;

  constructor(base: number, grow: (floats: number) => void) {
    this.top = base;
    this.grow = grow;
    const Registry = (globalThis as unknown as { FinalizationRegistry?: new (cleanup: (held: number[]) => void) => { register(owner: object, held: number[]): void } }).FinalizationRegistry;
    // Without FinalizationRegistry (older engines) blocks are kept: memory is lost, never reused early.
    this.registry = Registry ? new Registry((held) => this.releaseAll(held)) : undefined;
  }

  /** A block of at least `n` floats, where it starts (in floats); an owner's (the next `own`'s) unless `owned` is false. */
  allocate(n: number, owned = true): number {
    const size = Math.max(4, Math.ceil(n / 4) * 4);
    const free = this.free;
    let place = -1;
    for (let i = 0; i < free.length; i += 2) {
      if (free[i + 1]! < size) continue;
      place = free[i]!;
      if (free[i + 1] === size) free.splice(i, 2);
      else (free[i] = place + size), (free[i + 1] = free[i + 1]! - size);
      break;
    }
    if (place < 0) {
      this.grow(this.top + size);
      place = this.top;
      this.top += size;
    }
    if (owned) this.pending.push(place, size);
    return place;
  }

  /** The blocks allocated since the last call go back to the free list once `owner` is collected. */
  own(owner: object): void {
    if (this.pending.length === 0) return;
    this.registry?.register(owner, this.pending.splice(0));
  }

  /** Frees a block allocated not `owned` (the runtime's own scratch), `n` as allocated. */
  release(place: number, n: number): void {
    this.insert(place, Math.max(4, Math.ceil(n / 4) * 4));
  }

  private releaseAll(blocks: readonly number[]): void {
    for (let i = 0; i < blocks.length; i += 2) this.insert(blocks[i]!, blocks[i + 1]!);
  }

  /** Puts [place, place + size) on the free list, merged with the blocks it touches. */
  private insert(place: number, size: number): void {
    const free = this.free;
    let i = 0;
    while (i < free.length && free[i]! < place) i += 2;
    if (i > 0 && free[i - 2]! + free[i - 1]! === place) {
      i -= 2;
      free[i + 1]! += size;
    } else free.splice(i, 0, place, size);
    if (i + 2 < free.length && free[i]! + free[i + 1]! === free[i + 2]) {
      free[i + 1]! += free[i + 3]!;
      free.splice(i + 2, 2);
    }
    // The last block merges back into untouched memory.
    if (free.length > 0 && free.at(-2)! + free.at(-1)! === this.top) {
      this.top = free.at(-2)!;
      free.length -= 2;
    }
  }

  /** Free floats on the list (for tests). */
  get freeFloats(): number {
    let sum = 0;
    for (let i = 1; i < this.free.length; i += 2) sum += this.free[i]!;
    return sum;
  }
}

// dnnc:helpers-end
