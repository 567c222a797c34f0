// WebAssembly runtime: the kernels the compiler generated as a WebAssembly binary (backend/wasm/),
// embedded in the module as base64, compiled on first use. The products run in the kernels'
// own linear memory: operands are copied in, C is copied out, and the memory grows only when a
// product needs more than any before (counted in memoryStats, so steady-state training still
// allocates nothing). Typed here without the DOM library, which a Node project may not load.
import { memoryStats } from "../cpu/stats.ts";
import { cpuCreateSeed, type CreateOptions } from "../cpu/model.ts";
// dnnc:helpers-begin

/**
 * create()'s options checked: the seed. The products run on this thread only for now (the
 * kernels' memory is not shared with workers yet), so `threads` above 1 is refused rather than
 * starting workers that would sit idle.
 */
export function wasmCreateSeed(where: string, options: CreateOptions): number {
  if (options.threads !== undefined && options.threads !== 1 && Number.isInteger(options.threads) && options.threads > 1)
    throw new RangeError(`${where}: threads: ${options.threads} is not supported by the wasm target yet (its products run on one thread); compile with --target ts for threads`);
  return cpuCreateSeed(where, options);
}

/** What the runtime uses of the WebAssembly global, typed without lib.dom. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
type ProductExport = (A: number, ta: number, B: number, tb: number, C: number, m: number, n: number, k: number, Ap: number, Bp: number) => void;
/** An epilogue: `(C, rows, cols, ...inputs, ...outputs)`, pointers in bytes. */
type EpilogueExport = (...args: number[]) => void;

/** Linear memory is addressed by 32-bit byte offsets: 4 GiB at most. */
const WASM_MAX_BYTES = 2 ** 32;

/** Base64 (RFC 4648, padded) as bytes; written out since `atob` is not in every project's types. */
export function base64Bytes(text: string): Uint8Array {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const body = text.replace(/=+$/, "");
  const out = new Uint8Array((body.length * 3) >> 2);
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const v = ALPHABET.indexOf(body[i]!);
    if (v < 0) throw new Error(`base64: unexpected character ${JSON.stringify(body[i])}`);
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) out[o++] = (value >> (bits -= 8)) & 0xff;
  }
  return out;
}

/** Floats `n` rounded up to whole 16-byte vectors. */
const vectors = (n: number): number => Math.ceil(n / 4) * 4;

export class WasmKernels {
  private memory: WasmMemory | undefined;
  private productExport: ProductExport | undefined;
  private epilogues: EpilogueExport[] = [];
  /** Byte offsets of an epilogue's operands, reused from call to call. */
  private readonly pointers: number[] = [];
  private f32 = new Float32Array(0);
  private readonly binary: string;
  private readonly fmaBinary: string;
  /** Whether the products fuse multiply and add (relaxed SIMD), known once compiled. */
  fused = false;
  /** The micro-kernel's tile: rows of A and columns of B per panel (how much room packing takes). */
  private readonly mr: number;
  private readonly nr: number;

  /** `binary` runs on every engine with SIMD128; `fmaBinary`, the same with relaxed SIMD's fused multiply-add, where the engine has it. */
  constructor(binary: string, fmaBinary: string, mr: number, nr: number) {
    this.binary = binary;
    this.fmaBinary = fmaBinary;
    this.mr = mr;
    this.nr = nr;
  }

  /**
   * C = op(A) @ op(B), as the TypeScript target's product (cpu/threads.ts): an m×k op(A) at A[ao…] (stored k×m when
   * `ta`), a k×n op(B) at B[bo…] (n×k when `tb`), C written row-major at C[co…].
   */
  product(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, C: Float32Array, co: number, m: number, n: number, k: number): void {
    const c = this.run(A, ao, ta, B, bo, tb, m, n, k, 0);
    C.set(this.f32.subarray(c, c + m * n), co);
  }

  /**
   * The product op(A) @ op(B) (m×n, the operands as `product` reads them at offset 0), then
   * epilogue `epilogue` over it in linear memory, reading `inputs` (copied in whole) and writing
   * `outputs` (m·n each); C itself is copied out only into `C`, when the function reads it later.
   */
  productWith(epilogue: number, A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number, inputs: readonly Float32Array[], outputs: readonly Float32Array[], C: Float32Array | undefined): void {
    let extra = 0;
    for (const x of inputs) extra += vectors(x.length);
    extra += outputs.length * vectors(m * n);
    const c = this.run(A, ao, ta, B, bo, tb, m, n, k, extra);
    const f32 = this.f32;
    const p = this.pointers;
    p.length = 0;
    p.push(4 * c, m, n);
    let at = this.end - extra;
    for (const x of inputs) f32.set(x, at), p.push(4 * at), (at += vectors(x.length));
    const out = at;
    for (let o = 0; o < outputs.length; o++) p.push(4 * at), (at += vectors(m * n));
    this.epilogues[epilogue]!(...p);
    for (let o = 0, from = out; o < outputs.length; o++, from += vectors(m * n)) outputs[o]!.set(f32.subarray(from, from + m * n));
    if (C) C.set(f32.subarray(c, c + m * n));
  }

  /** Floats of linear memory the last product laid out (its regions, then the epilogue's). */
  private end = 0;

  /** Copies the operands in and runs the product with `extra` floats of room after its regions; returns where C is. */
  private run(A: Float32Array, ao: number, ta: boolean, B: Float32Array, bo: number, tb: boolean, m: number, n: number, k: number, extra: number): number {
    const a = 0;
    const b = a + vectors(m * k);
    const c = b + vectors(k * n);
    const ap = c + vectors(m * n);
    const bp = ap + Math.ceil(m / this.mr) * this.mr * k;
    this.end = bp + Math.ceil(n / this.nr) * this.nr * k + extra;
    const run = this.reserve(this.end);
    const f32 = this.f32;
    f32.set(A.subarray(ao, ao + m * k), a);
    f32.set(B.subarray(bo, bo + k * n), b);
    run(4 * a, ta ? 1 : 0, 4 * b, tb ? 1 : 0, 4 * c, m, n, k, 4 * ap, 4 * bp);
    return c;
  }

  /** The product's export, with linear memory of at least `floats` floats. */
  private reserve(floats: number): ProductExport {
    if (!this.memory) this.instantiate();
    const memory = this.memory!;
    const bytes = 4 * floats;
    if (bytes > WASM_MAX_BYTES) throw new RangeError(`a matrix product needs ${bytes} bytes of WebAssembly memory, more than the 4 GiB it can address`);
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / 65536);
      memory.grow(pages);
      memoryStats.allocations++;
      memoryStats.bytes += pages * 65536;
    }
    if (this.f32.buffer !== memory.buffer) this.f32 = new Float32Array(memory.buffer);
    return this.productExport!;
  }

  private instantiate(): void {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) throw new Error("this model was compiled for the wasm target, and this JavaScript engine has no WebAssembly: compile it with --target ts");
    // Relaxed SIMD where the engine validates it (Chrome ≥ 114, Node ≥ 22), plain SIMD128 elsewhere.
    const fma = base64Bytes(this.fmaBinary);
    this.fused = wasm.validate(fma);
    const bytes = this.fused ? fma : base64Bytes(this.binary);
    let exports: Record<string, unknown>;
    try {
      exports = new wasm.Instance(new wasm.Module(bytes), {}).exports;
    } catch (e) {
      // An engine without SIMD128 refuses the module (every current browser and Node ≥ 16 has it).
      throw new Error(`this model's WebAssembly kernels did not load (${e instanceof Error ? e.message : String(e)}); an engine without WebAssembly SIMD needs --target ts`);
    }
    this.memory = exports["memory"] as WasmMemory;
    this.productExport = exports["product"] as ProductExport;
    for (let e = 0; exports[`e${e}`] !== undefined; e++) this.epilogues.push(exports[`e${e}`] as EpilogueExport);
  }
}

// dnnc:helpers-end
