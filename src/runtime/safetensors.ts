// Runtime of every generated module (both targets), and the CLI's one reader of checkpoints
// (fit/safetensors.ts, cli/fmt.ts): saving and loading weights in the safetensors
// format (https://huggingface.co/docs/safetensors): an 8-byte little-endian unsigned length N,
// N bytes of UTF-8 JSON naming every tensor's dtype, shape and byte range in the data section,
// then the data, little-endian, every byte belonging to exactly one tensor. Real, type-checked
// code that the emitters paste (minus `export`) into every generated module
// (backend/runtime-parts.ts); it uses only the ECMAScript library (DataView, no TextEncoder).
import { describe } from "./describe.ts";
// dnnc:helpers-begin

/** One tensor of a safetensors file: byte offsets `begin`, `end` are absolute in the file. */
export interface StTensor {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** A safetensors file whose structure has been checked: header, dtypes, sizes, offsets. */
export interface StFile {
  bytes: Uint8Array;
  metadata: Record<string, string>;
  tensors: Map<string, StTensor>;
}

/** Bytes per element of the dtypes the format defines. */
const ST_DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

/** Float dtypes a parameter loads from (converted to float32, rounding to nearest). */
export const ST_FLOAT_DTYPES = ["F32", "F64", "F16", "BF16"];

const ST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const stShape = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/** One tensor to write: its dtype as the format names it ("F32", "I32", …), its shape, and its data as little-endian bytes. */
export interface StEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/**
 * A safetensors file of `entries`, in the given order, with string `metadata` (left out when it
 * is empty, as the reference implementation does). The header is ASCII JSON (other characters
 * \u-escaped), padded with spaces so the data starts on an 8-byte boundary. The one writer:
 * generated modules' save() and the CLI's rewrites of checkpoints both use it.
 */
export function safetensorsWriteEntries(entries: readonly StEntry[], metadata: Record<string, string>): Uint8Array {
  // No prototype: a tensor named `__proto__` is an ordinary key, written like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length) header["__metadata__"] = metadata;
  let offset = 0;
  for (const t of entries) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  json += " ".repeat((8 - ((8 + json.length) % 8)) % 8);
  const start = 8 + json.length;
  const out = new Uint8Array(start + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, Math.floor(json.length / 4294967296), true);
  for (let i = 0; i < json.length; i++) out[8 + i] = json.charCodeAt(i);
  let at = start;
  for (const t of entries) out.set(t.bytes, at), (at += t.bytes.length);
  return out;
}

/** A safetensors file of float32 tensors, in the given order, with string `metadata`. */
export function safetensorsWrite(tensors: readonly { name: string; shape: readonly number[]; data: Float32Array }[], metadata: Record<string, string>): Uint8Array {
  return safetensorsWriteEntries(tensors.map((t) => ({ name: t.name, dtype: "F32", shape: t.shape, bytes: stLittleEndianF32(t.data) })), metadata);
}

function stLittleEndianF32(data: Float32Array): Uint8Array {
  if (ST_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, 4 * data.length);
  const out = new Uint8Array(4 * data.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return out;
}

/**
 * The longest header read, as in the reference implementation (its MAX_HEADER_SIZE): a longer
 * one is refused before a byte of it is decoded.
 */
const ST_MAX_HEADER = 100_000_000;

/**
 * The deepest the header's JSON may nest (serde_json's recursion limit, which the reference
 * implementation inherits; a safetensors header needs 3): deeper is refused before JSON.parse,
 * which takes seconds on a header of millions of "[".
 */
const ST_MAX_DEPTH = 128;

/** A name or value from a file, quoted for an error message: escaped, and cut short if long. */
const stQuote = (text: string): string => (text.length > 80 ? `${JSON.stringify(text.slice(0, 80)).slice(0, -1)}…"` : JSON.stringify(text));

/** A JSON value from a file, for an error message, cut short if long. */
const stJson = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

/**
 * Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF); the index of the
 * first bad byte when invalid. Linear in the length: code units are gathered in blocks, each
 * turned into a string once (adding characters one at a time builds a rope of a node each).
 */
export function stUtf8(bytes: Uint8Array, from: number, to: number): string | number {
  const parts: string[] = [];
  const units = new Uint16Array(8194);
  let k = 0;
  for (let i = from; i < to; ) {
    if (k >= 8192) {
      parts.push(String.fromCharCode.apply(null, units.subarray(0, k) as unknown as number[]));
      k = 0;
    }
    const b = bytes[i]!;
    if (b < 0x80) {
      units[k++] = b;
      i++;
      continue;
    }
    const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= to) return i - from;
    let c = b & (0x3f >> n);
    for (let j = 1; j <= n; j++) {
      const x = bytes[i + j]!;
      if ((x & 0xc0) !== 0x80) return i - from;
      c = (c << 6) | (x & 0x3f);
    }
    if ((n === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 3 && (c < 0x10000 || c > 0x10ffff))) return i - from;
    if (c >= 0x10000) {
      units[k++] = 0xd800 + ((c - 0x10000) >> 10);
      units[k++] = 0xdc00 + ((c - 0x10000) & 0x3ff);
    } else units[k++] = c;
    i += n + 1;
  }
  parts.push(String.fromCharCode.apply(null, units.subarray(0, k) as unknown as number[]));
  return parts.join("");
}

/**
 * One linear pass over the header's JSON text before it is parsed: whether it nests deeper than
 * ST_MAX_DEPTH, and the first key an object repeats (JSON.parse keeps the last silently, so a
 * tensor or metadata entry given twice would load one of two meanings). It does not check that
 * the text is JSON: JSON.parse does, after it.
 */
function stScan(text: string): { tooDeep: boolean; repeated: string | undefined } {
  const open: (Set<string> | undefined)[] = []; // per open bracket: an object's keys so far, undefined for an array
  let keyNext = false;
  let repeated: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x5c) (escaped = true), end++;
        else if (d === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (keys && keyNext && repeated === undefined) {
        let key = text.slice(i + 1, end);
        try {
          if (escaped) key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          // not JSON: JSON.parse of the whole header says so
        }
        if (keys.has(key)) repeated = key;
        else keys.add(key);
      }
      keyNext = false;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (open.length === ST_MAX_DEPTH) return { tooDeep: true, repeated };
      open.push(c === 0x7b ? new Set() : undefined);
      keyNext = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
    } else if (c === 0x2c) keyNext = open[open.length - 1] !== undefined;
  }
  return { tooDeep: false, repeated };
}

const stIsCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Parses and checks a safetensors file: its length, the header's length, UTF-8 and JSON, every
 * entry's dtype, shape and data offsets (in range, matching dtype × shape), and that the tensors
 * cover the data section exactly — no gap, no overlap, nothing after the last — and that no JSON
 * object names a key twice. Throws an Error starting with `where` (unless empty) at the first
 * problem; reads no tensor data. Linear in the header's length, which is at most ST_MAX_HEADER.
 */
export function safetensorsRead(where: string, bytes: Uint8Array | ArrayBuffer): StFile {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: expects the file's bytes as a Uint8Array, received ${describe(bytes)}`);
  const fail = (message: string): never => {
    throw new Error(`${where ? `${where}: ` : ""}not a valid safetensors file: ${message}`);
  };
  if (bytes.length < 8) fail(`it is ${bytes.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 4294967296;
  if (n > ST_MAX_HEADER) fail(`the header length is ${n} bytes, more than the ${ST_MAX_HEADER} a safetensors header may have`);
  if (n > bytes.length - 8) fail(`the header length is ${n} bytes, but only ${bytes.length - 8} bytes follow it`);
  if (n < 2 || bytes[8] !== 0x7b) fail('the header does not start with "{"');
  const text = stUtf8(bytes, 8, 8 + n);
  if (typeof text === "number") return fail(`the header is not valid UTF-8 (byte ${text} of the header)`);
  const scan = stScan(text);
  if (scan.tooDeep) fail(`the header nests more than ${ST_MAX_DEPTH} levels deep`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("the header is not a JSON object");
  if (scan.repeated !== undefined) fail(`the header has the key ${stQuote(scan.repeated)} twice in one object`);
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  // No prototype: a key such as "__proto__" is an entry like any other.
  const metadata = Object.create(null) as Record<string, string>;
  const tensors = new Map<string, StTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail("__metadata__ is not an object of strings");
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__ ${stQuote(k)} is a ${v === null ? "null" : typeof v}, not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    const tensor = `tensor ${stQuote(name)}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return fail(`${tensor} is not an object with dtype, shape and data_offsets`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== "string") return fail(`${tensor} has no dtype string`);
    const width = Object.prototype.hasOwnProperty.call(ST_DTYPE_BYTES, dtype) ? ST_DTYPE_BYTES[dtype] : undefined;
    if (width === undefined) return fail(`${tensor} has unknown dtype ${stQuote(dtype)} (known: ${Object.keys(ST_DTYPE_BYTES).join(", ")})`);
    if (!Array.isArray(shape) || !shape.every(stIsCount)) return fail(`${tensor} has a shape that is not a list of non-negative integers: ${stJson(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(stIsCount) || offsets[0]! > offsets[1]!)
      return fail(`${tensor} has data_offsets ${stJson(offsets)}, not [begin, end] with 0 ≤ begin ≤ end`);
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`${tensor} has data_offsets [${begin}, ${end}], past the end of the ${dataLength}-byte data section`);
    let count = 1;
    for (const d of shape as number[]) if ((count *= d) > Number.MAX_SAFE_INTEGER) fail(`${tensor} has shape ${stJson(shape)}: more than 2^53 elements`);
    if (count * width !== end - begin)
      fail(`${tensor} is ${dtype}${stShape(shape as number[])}, ${count * width} bytes, but its data_offsets [${begin}, ${end}] span ${end - begin}`);
    tensors.set(name, { name, dtype, shape: shape as number[], begin: dataStart + begin, end: dataStart + end });
  }
  // Every byte of the data section belongs to exactly one tensor.
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = dataStart;
  let previous: StTensor | undefined;
  for (const t of sorted) {
    if (t.begin < at) fail(`tensors ${stQuote(previous!.name)} and ${stQuote(t.name)} overlap (data_offsets [${previous!.begin - dataStart}, ${previous!.end - dataStart}] and [${t.begin - dataStart}, ${t.end - dataStart}])`);
    if (t.begin > at) fail(`bytes [${at - dataStart}, ${t.begin - dataStart}) of the data section belong to no tensor`);
    at = t.end;
    previous = t;
  }
  if (at < bytes.length) fail(`the last ${bytes.length - at} bytes of the file belong to no tensor`);
  return { bytes, metadata, tensors };
}

/** Tensor `t` of `file`, converted to float32, into `out` (of the tensor's size). */
export function safetensorsCopy(file: StFile, t: StTensor, out: Float32Array): void {
  const { bytes } = file;
  if (t.dtype === "F32" && ST_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 4 * out.length).set(bytes.subarray(t.begin, t.end));
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + t.begin, t.end - t.begin);
  for (let i = 0; i < out.length; i++) {
    if (t.dtype === "F32") out[i] = view.getFloat32(4 * i, true);
    else if (t.dtype === "F64") out[i] = view.getFloat64(8 * i, true);
    else if (t.dtype === "BF16") out[i] = stFloat32Bits(view.getUint16(2 * i, true) << 16);
    else {
      const h = view.getUint16(2 * i, true);
      const e = (h >> 10) & 0x1f;
      const f = h & 0x3ff;
      const m = e === 0 ? f * 2 ** -24 : e === 31 ? (f === 0 ? Infinity : NaN) : (1 + f / 1024) * 2 ** (e - 15);
      out[i] = h & 0x8000 ? -m : m;
    }
  }
}

const stBits = new DataView(new ArrayBuffer(4));
function stFloat32Bits(bits: number): number {
  stBits.setUint32(0, bits >>> 0);
  return stBits.getFloat32(0);
}

/**
 * Loads a safetensors file into a model's tensors, all or nothing: `names[i]` (of `shapes[i]`)
 * goes into `targets[i]`. The first `required` (the parameters) must all be in the file; the
 * rest (optimizer state) all or none — with none, they are reset to `initial`. Every check runs
 * before the first write, so a refused file leaves the model unchanged. Returns whether the
 * file held the whole optimizer state (so also when there is none), that is whether training
 * resumes where the file left it.
 */
export function safetensorsLoad(
  where: string,
  file: StFile,
  names: readonly string[],
  shapes: readonly (readonly number[])[],
  required: number,
  targets: readonly Float32Array[],
  initial: readonly number[],
  ignoreUnknown: boolean,
): boolean {
  const expected = new Set(names);
  const unknown = [...file.tensors.keys()].filter((k) => !expected.has(k));
  const list = (xs: string[]) => xs.slice(0, 8).map(stQuote).join(", ") + (xs.length > 8 ? `, … (${xs.length} in all)` : "");
  if (unknown.length > 0 && !ignoreUnknown)
    throw new Error(`${where}: the file holds ${unknown.length === 1 ? "a tensor" : "tensors"} this model does not have: ${list(unknown)} (pass { ignoreUnknown: true } to skip ${unknown.length === 1 ? "it" : "them"})`);
  const found = names.map((name) => file.tensors.get(name));
  const missing = names.filter((_, i) => i < required && !found[i]);
  if (missing.length > 0) throw new Error(`${where}: the file has no tensor ${list(missing)}; the model's parameters are ${list(names.slice(0, required))}`);
  const states = found.slice(required);
  const withState = states.some((t) => t !== undefined);
  const absent = names.slice(required).filter((_, i) => !states[i]);
  if (withState && absent.length > 0)
    throw new Error(`${where}: the file holds part of the optimizer state but not ${list(absent)}: it must hold all of it (to resume training) or none (to train afresh from its weights)`);
  found.forEach((t, i) => {
    if (!t) return;
    if (t.shape.length !== shapes[i]!.length || t.shape.some((d, k) => d !== shapes[i]![k]))
      throw new Error(`${where}: tensor ${stQuote(t.name)} has shape ${stShape(t.shape)}, expected ${stShape(shapes[i]!)}`);
    if (!ST_FLOAT_DTYPES.includes(t.dtype)) throw new Error(`${where}: tensor ${stQuote(t.name)} is ${t.dtype}; a float32 tensor loads from ${ST_FLOAT_DTYPES.join(", ")}`);
  });
  found.forEach((t, i) => {
    if (t) safetensorsCopy(file, t, targets[i]!);
    else targets[i]!.fill(initial[i - required]!);
  });
  return withState || names.length === required;
}

/** The step count a file records in `__metadata__` ("dnnc.steps"), if any; throws when it is not a count. */
export function safetensorsSteps(where: string, file: StFile): number | undefined {
  const text = file.metadata["dnnc.steps"];
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new Error(`${where}: __metadata__ "dnnc.steps" must be a non-negative integer, found ${JSON.stringify(text)}`);
  return Number(text);
}
// dnnc:helpers-end
