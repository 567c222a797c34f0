// WebAssembly runtime: where a kernel's operands are in linear memory. Where the engine has
// shared memory the module's arrays live there (this is the module's MemoryHome, heap.ts hands out
// its blocks) and are read and written in place; an array from elsewhere gets a slot in the
// scratch, copied in before a kernel and out after it. The scratch grows only when a call needs
// more than any before (counted in memoryStats, so steady-state training allocates nothing).
// kernels.ts's WasmKernels is this, with the kernels.
import { memoryStats } from "../cpu/stats.ts";
import type { MemoryHome } from "../cpu/memory.ts";
import { LinearHeap } from "./heap.ts";
// dnnc:helpers-begin

/** What the runtime uses of the WebAssembly global, typed without lib.dom. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Linear memory is addressed by 32-bit byte offsets: 4 GiB (65,536 pages) at most. */
export const WASM_MAX_PAGES = 65536;

/** Floats `n` rounded up to whole 16-byte vectors. */
export const vectors = (n: number): number => Math.ceil(n / 4) * 4;

export abstract class LinearOperands implements MemoryHome {
  protected memory: WasmMemory | undefined;
  /** Whether the module's arrays live in linear memory (a shared memory: growing it detaches no view). */
  protected home = false;
  private heap: LinearHeap | undefined;
  /** Every buffer object linear memory has had (one per growth): an array over one of them is in it. */
  protected readonly buffers = new Set<ArrayBufferLike>();
  protected f32 = new Float32Array(0);
  /** The scratch: packing room, operands copied in from elsewhere. */
  private scratchAt = 0;
  private scratchSize = 0;
  /** Scratch planned so far for the call at hand, in floats (`slot` adds to it). */
  protected planned = 0;
  /** Floats copied into linear memory and out of it: none where the arrays live there. */
  copied = 0;

  /** Compiles the kernels and sets up linear memory (`adopt`) on first use. */
  protected abstract ensure(): void;

  /** `memory` as the operands' linear memory: the module's arrays' home where `home`, else the scratch's alone. */
  protected adopt(memory: WasmMemory, home: boolean): void {
    this.memory = memory;
    this.home = home;
    this.heap = new LinearHeap(0, (floats) => this.reserve(floats));
    this.reserve(0);
  }

  /** A zeroed array of `n` floats in linear memory, or undefined where the engine cannot share it (MemoryHome). */
  allocate(n: number): Float32Array | undefined {
    this.ensure();
    if (!this.home) return undefined;
    const place = this.heap!.allocate(n);
    const view = new Float32Array(this.memory!.buffer, 4 * place, n);
    this.buffers.add(view.buffer);
    return view.fill(0);
  }

  /** What `allocate` gave since the last call is freed once `owner` is collected (MemoryHome). */
  own(owner: object): void {
    this.heap?.own(owner);
  }

  /** −1 where `x` is in linear memory; else room for `length` floats in scratch: where, from its start. */
  protected slot(x: Float32Array | undefined, length: number): number {
    if (x && this.buffers.has(x.buffer)) return -1;
    this.planned += vectors(length);
    return this.planned - vectors(length);
  }

  /** Where x[at…] is, in floats: where it is, or its slot in scratch (copied in there when `copy`). */
  protected place(x: Float32Array | undefined, at: number, slot: number, length: number, copy: boolean): number {
    if (slot < 0) return x!.byteOffset / 4 + at;
    if (copy) this.f32.set(x!.subarray(at, at + length), this.scratchAt + slot), (this.copied += length);
    return this.scratchAt + slot;
  }

  /** A result at `place` (floats) into x[at…], where x is not in linear memory. */
  protected copyOut(x: Float32Array, at: number, place: number, length: number): void {
    if (this.buffers.has(x.buffer)) return;
    x.set(this.f32.subarray(place, place + length), at);
    this.copied += length;
  }

  /** Scratch of at least `floats` floats: where it starts. A bigger one than before is an allocation. */
  protected scratch(floats: number): number {
    if (floats > this.scratchSize) {
      if (this.scratchSize > 0) this.heap!.release(this.scratchAt, this.scratchSize);
      this.scratchAt = this.heap!.allocate(floats, false);
      this.scratchSize = floats;
      memoryStats.allocations++;
      memoryStats.bytes += 4 * floats;
    }
    return this.scratchAt;
  }

  /** Linear memory of at least `floats` floats (the heap's `grow`). */
  protected reserve(floats: number): void {
    const memory = this.memory!;
    const bytes = 4 * floats;
    if (bytes > WASM_MAX_PAGES * 65536) throw new RangeError(`the model needs ${bytes} bytes of WebAssembly memory, more than the 4 GiB it can address`);
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    if (this.f32.buffer !== memory.buffer || this.f32.length * 4 !== memory.buffer.byteLength) {
      this.f32 = new Float32Array(memory.buffer);
      this.buffers.add(memory.buffer);
    }
  }
}

// dnnc:helpers-end
