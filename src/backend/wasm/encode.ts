// A small typed encoder of WebAssembly binaries (decision 0011): the instructions the kernels use,
// as data (name → opcode bytes and immediates), functions as instruction lists, a module as
// functions plus one imported memory. The same lists print as text (print.ts), which the tests pin.
// Only what dnnc's kernels need: one imported memory; no tables, globals or data segments.

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** How an instruction's immediates are encoded after its opcode. */
type Imm = "none" | "memarg" | "label" | "local" | "index" | "i32" | "f32" | "block" | "lane" | "v128" | "shuffle";

/** Opcode bytes (after the 0xfd prefix, the sub-opcode as LEB128) and immediates. */
const op = (code: number, imm: Imm = "none") => ({ prefix: 0, code, imm });
const simd = (code: number, imm: Imm = "none") => ({ prefix: 0xfd, code, imm });

/** Every instruction the encoder knows; a kernel generator that needs another adds a line here. */
export const INSTRUCTIONS = {
  block: op(0x02, "block"),
  loop: op(0x03, "block"),
  if: op(0x04, "block"),
  else: op(0x05),
  end: op(0x0b),
  br_if: op(0x0d, "label"),
  call: op(0x10, "index"),
  drop: op(0x1a),
  select: op(0x1b),
  "local.get": op(0x20, "local"),
  "local.set": op(0x21, "local"),
  "local.tee": op(0x22, "local"),
  "f32.load": op(0x2a, "memarg"),
  "f32.store": op(0x38, "memarg"),
  "f64.load": op(0x2b, "memarg"),
  "f64.store": op(0x39, "memarg"),
  "i32.const": op(0x41, "i32"),
  "f32.const": op(0x43, "f32"),
  "i32.eqz": op(0x45),
  "i32.eq": op(0x46),
  "i32.lt_u": op(0x49),
  "i32.gt_u": op(0x4b),
  "i32.ge_u": op(0x4f),
  "i32.add": op(0x6a),
  "i32.sub": op(0x6b),
  "i32.mul": op(0x6c),
  "i32.div_u": op(0x6e),
  "i32.rem_u": op(0x70),
  "i32.and": op(0x71),
  "i32.shl": op(0x74),
  "i32.shr_u": op(0x76),
  "f32.eq": op(0x5b),
  "f32.ne": op(0x5c),
  "f32.lt": op(0x5d),
  "f32.abs": op(0x8b),
  "f32.neg": op(0x8c),
  "f32.sqrt": op(0x91),
  "f32.trunc": op(0x8f),
  "f32.add": op(0x92),
  "f32.sub": op(0x93),
  "f32.mul": op(0x94),
  "f32.div": op(0x95),
  "f32.min": op(0x96),
  "f32.max": op(0x97),
  "f32.convert_i32_u": op(0xb3),
  "f32.gt": op(0x5e),
  "i32.or": op(0x72),
  "f64.lt": op(0x63),
  "f64.ge": op(0x66),
  "f64.add": op(0xa0),
  "i32.trunc_f64_u": op(0xab),
  "f64.convert_i32_u": op(0xb8),
  "f32.demote_f64": op(0xb6),
  "f64.promote_f32": op(0xbb),
  "f64x2.extract_lane": simd(0x21, "lane"),
  "i32.reinterpret_f32": op(0xbc),
  "v128.load": simd(0x00, "memarg"),
  "v128.load32_splat": simd(0x09, "memarg"),
  "v128.store": simd(0x0b, "memarg"),
  "v128.const": simd(0x0c, "v128"),
  "i8x16.shuffle": simd(0x0d, "shuffle"),
  "f32x4.splat": simd(0x13),
  "i32x4.splat": simd(0x11),
  "i32x4.replace_lane": simd(0x1c, "lane"),
  "f32x4.extract_lane": simd(0x1f, "lane"),
  "i32x4.lt_s": simd(0x39),
  "i32x4.gt_s": simd(0x3b),
  "f32x4.eq": simd(0x41),
  "f32x4.ne": simd(0x42),
  "f32x4.lt": simd(0x43),
  "f32x4.gt": simd(0x44),
  "f32x4.ge": simd(0x46),
  "v128.not": simd(0x4d),
  "v128.and": simd(0x4e),
  "v128.andnot": simd(0x4f),
  "v128.or": simd(0x50),
  "v128.xor": simd(0x51),
  "v128.bitselect": simd(0x52),
  "f32x4.demote_f64x2_zero": simd(0x5e),
  "f64x2.promote_low_f32x4": simd(0x5f),
  "f32x4.trunc": simd(0x69),
  "f32x4.nearest": simd(0x6a),
  "f64x2.nearest": simd(0x94),
  "i32x4.shl": simd(0xab),
  "i32x4.shr_s": simd(0xac),
  "i32x4.add": simd(0xae),
  "i32x4.sub": simd(0xb1),
  "i64x2.extend_low_i32x4_s": simd(0xc7),
  "i64x2.shl": simd(0xcb),
  "i64x2.add": simd(0xce),
  "f32x4.abs": simd(0xe0),
  "f32x4.neg": simd(0xe1),
  "f32x4.sqrt": simd(0xe3),
  "f32x4.add": simd(0xe4),
  "f32x4.sub": simd(0xe5),
  "f32x4.mul": simd(0xe6),
  "f32x4.div": simd(0xe7),
  "f32x4.min": simd(0xe8),
  "f32x4.max": simd(0xe9),
  "f64x2.add": simd(0xf0),
  "f64x2.sub": simd(0xf1),
  "f64x2.mul": simd(0xf2),
  "f64x2.div": simd(0xf3),
  "f64x2.min": simd(0xf4),
  "f64x2.max": simd(0xf5),
  "i32x4.trunc_sat_f32x4_s": simd(0xf8),
  "f32x4.convert_i32x4_s": simd(0xfa),
  "f32x4.convert_i32x4_u": simd(0xfb),
  "f64x2.convert_low_i32x4_s": simd(0xfe),
  "f32x4.relaxed_madd": simd(0x105),
} as const;

export type OpName = keyof typeof INSTRUCTIONS;

/**
 * One instruction: its name and immediates. A memory access takes [offset, log2 alignment]; a
 * block, loop or if its result type ("" for none); a branch its label depth; a local its index;
 * a call the callee's index or name (a function of the same module); v128.const a lane shape
 * ("f32x4", "i32x4" or "f64x2") and the lanes' values; i8x16.shuffle sixteen byte indices.
 */
export type Instr = readonly [OpName, ...(number | string)[]];

export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

export interface Func {
  name: string;
  type: FuncType;
  /** Locals after the parameters, by type. */
  locals: readonly ValType[];
  body: readonly Instr[];
  /** Whether the module exports it under `name`. */
  exported: boolean;
  /** Names of the parameters and locals, for the printed text. */
  localNames?: readonly string[];
}

export interface WasmModule {
  funcs: readonly Func[];
  /**
   * The memory's least size in 64 KiB pages. The memory is imported as env.memory, at most 4 GiB
   * and not shared: the runtime makes it, and makes the shared one threads need by setting one
   * byte (`memoryLimitsAt`).
   */
  memoryPages: number;
}

/** Pages of 64 KiB in the 4 GiB a 32-bit address reaches. */
export const MAX_PAGES = 65536;

/** Unsigned LEB128, appended to `out`. */
export function uleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`wasm encoder: ${n} is not an unsigned integer`);
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer, appended to `out`. */
export function sleb(n: number, out: number[] = []): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 32) throw new Error(`wasm encoder: ${n} is not a 32-bit integer`);
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
/** `parts` after `head`, one by one (a spread of a long array is slow, and can overflow the stack). */
function concat(head: number[], ...parts: readonly (readonly number[])[]): number[] {
  for (const p of parts) for (let i = 0; i < p.length; i++) head.push(p[i]!);
  return head;
}
const vec = (items: readonly number[][]): number[] => concat(uleb(items.length), ...items);
const name = (s: string): number[] => concat(uleb(utf8(s).length), utf8(s));
const section = (id: number, content: number[]): number[] => concat(uleb(content.length, [id]), content);

const f32Bytes = new DataView(new ArrayBuffer(4));
const v128Bytes = new DataView(new ArrayBuffer(16));
/** The lanes of a v128.const: its shape, each lane's width in bytes and how it is written. */
const V128_SHAPES = {
  f32x4: [4, (at: number, v: number) => v128Bytes.setFloat32(at, v, true)],
  i32x4: [4, (at: number, v: number) => v128Bytes.setInt32(at, v | 0, true)],
  f64x2: [8, (at: number, v: number) => v128Bytes.setFloat64(at, v, true)],
} as const;

/** Immediate `i` of an instruction, which must be a number. */
function immediate(ins: Instr, i: number): number {
  const v = ins[i + 1];
  if (typeof v !== "number") throw new Error(`wasm encoder: ${ins[0]} needs a number immediate, got ${String(v)}`);
  return v;
}

/** One instruction's bytes, appended to `bytes` (a function body holds tens of thousands); `funcIndex` resolves a call by name. */
function instruction(ins: Instr, bytes: number[], funcIndex: (name: string) => number): void {
  const opName = ins[0];
  const spec = INSTRUCTIONS[opName];
  if (!spec) throw new Error(`wasm encoder: unknown instruction ${String(opName)}`);
  if (spec.prefix === 0) bytes.push(spec.code);
  else bytes.push(spec.prefix), uleb(spec.code, bytes);
  switch (spec.imm) {
    case "none": break;
    case "memarg": uleb(ins[2] === undefined ? 2 : immediate(ins, 1), bytes), uleb(immediate(ins, 0), bytes); break;
    case "index": uleb(typeof ins[1] === "string" ? funcIndex(ins[1]) : immediate(ins, 0), bytes); break;
    case "label": case "local": case "lane": uleb(immediate(ins, 0), bytes); break;
    case "i32": sleb(immediate(ins, 0), bytes); break;
    case "f32":
      f32Bytes.setFloat32(0, immediate(ins, 0), true);
      for (let i = 0; i < 4; i++) bytes.push(f32Bytes.getUint8(i));
      break;
    case "v128": {
      const shape = V128_SHAPES[ins[1] as keyof typeof V128_SHAPES];
      if (!shape) throw new Error(`wasm encoder: v128.const needs a lane shape, got ${String(ins[1])}`);
      const [width, write] = shape;
      for (let lane = 0; lane < 16 / width; lane++) write(lane * width, immediate(ins, lane + 1));
      for (let i = 0; i < 16; i++) bytes.push(v128Bytes.getUint8(i));
      break;
    }
    case "shuffle":
      for (let i = 0; i < 16; i++) bytes.push(immediate(ins, i));
      break;
    case "block": {
      const t = ins[1] ?? "";
      bytes.push(t === "" ? 0x40 : VALTYPE[t as ValType]);
      break;
    }
  }
}

/** Runs of equal types, as the code section declares locals. */
function localRuns(locals: readonly ValType[]): number[][] {
  const runs: number[][] = [];
  for (let i = 0; i < locals.length; ) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    runs.push([...uleb(j - i), VALTYPE[locals[i]!]]);
    i = j;
  }
  return runs;
}

/** The memory import's limits flag: a least and a most size; with 0x02 added, shared. */
const LIMITS_MIN_MAX = 0x01;

/** The module's binary. */
export function encodeModule(m: WasmModule): Uint8Array {
  const typeKey = (t: FuncType) => `${t.params.join(",")}>${t.results.join(",")}`;
  const types: FuncType[] = [];
  const typeIndex = m.funcs.map((f) => {
    const at = types.findIndex((t) => typeKey(t) === typeKey(f.type));
    return at >= 0 ? at : types.push(f.type) - 1;
  });
  const typeSection = vec(types.map((t) => [0x60, ...vec(t.params.map((p) => [VALTYPE[p]])), ...vec(t.results.map((r) => [VALTYPE[r]]))]));
  const exports = m.funcs.flatMap((f, i) => (f.exported ? [[...name(f.name), 0x00, ...uleb(i)]] : []));
  const byName = new Map(m.funcs.map((f, i) => [f.name, i]));
  const funcIndex = (callee: string): number => {
    const at = byName.get(callee);
    if (at === undefined) throw new Error(`wasm encoder: a call to ${callee}, which the module does not define`);
    return at;
  };
  const code = m.funcs.map((f) => {
    const body = vec(localRuns(f.locals));
    for (const ins of f.body) instruction(ins, body, funcIndex);
    body.push(0x0b);
    return concat(uleb(body.length), body);
  });
  return new Uint8Array(
    concat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, typeSection),
      section(2, vec([concat(name("env"), name("memory"), [0x02, LIMITS_MIN_MAX], uleb(m.memoryPages), uleb(MAX_PAGES))])),
      section(3, vec(typeIndex.map((t) => uleb(t)))),
      section(7, vec(exports)),
      section(10, vec(code)),
    ),
  );
}
