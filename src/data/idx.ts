// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, bottom of the
// page): two zero bytes, a type byte, the number of dimensions, each dimension as a big-endian
// uint32, then the values big-endian. Files are usually shipped gzipped; both are read.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { checkDataset, MAX_CLASSES, numberedClasses, type ClassLimit, type Dataset } from "./dataset.ts";

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface Idx {
  dims: number[];
  data: IdxData;
}

interface IdxType {
  name: string;
  size: number;
  make: (n: number) => IdxData;
  read: (v: DataView, at: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { name: "unsigned byte", size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  0x09: { name: "signed byte", size: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  0x0b: { name: "short", size: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at) },
  0x0c: { name: "int", size: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at) },
  0x0d: { name: "float", size: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at) },
  0x0e: { name: "double", size: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at) },
};

const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;

/** Whether `bytes` start with gzip's magic number 1f 8b. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** `bytes`, gunzipped when they are gzip; a corrupt stream is an Error saying so. */
export function gunzipIfNeeded(bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`corrupt gzip data (${(e as Error).message})`);
  }
}

/**
 * Parses an IDX file (gzipped or not). Strict: a bad magic number, an unknown type, a header or
 * data shorter than the dimensions say, or bytes after the data are Errors whose message says
 * which; the caller prefixes the file's path. Values come back in the file's own type.
 */
export function readIdx(input: Uint8Array): Idx {
  const bytes = gunzipIfNeeded(input);
  if (bytes.length < 4) throw new Error(`truncated IDX header: ${bytes.length} bytes, the magic number alone is 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`not an IDX file: the magic number must start with two zero bytes, found ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  const type = TYPES[bytes[2]!];
  if (!type) throw new Error(`unknown IDX data type ${hex(bytes[2]!)} (known: 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e)`);
  const ndims = bytes[3]!;
  if (ndims === 0) throw new Error("IDX header declares 0 dimensions");
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new Error(`truncated IDX header: ${ndims} dimensions need ${header} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const found = bytes.length - header;
  const what = `${count} ${type.name} values (dimensions ${dims.join(" × ")})`;
  if (found < expected) throw new Error(`truncated IDX data: ${what} need ${expected} bytes, the file has ${found}`);
  if (found > expected) throw new Error(`${found - expected} trailing bytes after the IDX data: ${what} take ${expected} bytes, the file has ${found}`);

  if (type.size === 1) {
    // Bytes need no reordering. Gunzipped, they are ours: a view saves copying (and first
    // touching) 47 MB for MNIST's training images; else copy, so the caller's input can change.
    const raw = bytes !== input ? bytes.subarray(header) : new Uint8Array(bytes.subarray(header));
    const data = bytes[2] === 0x08 ? new Uint8Array(raw.buffer, raw.byteOffset, count) : new Int8Array(raw.buffer, raw.byteOffset, count);
    return { dims, data };
  }
  const data = type.make(count);
  for (let i = 0, at = header; i < count; i++, at += type.size) data[i] = type.read(view, at);
  return { dims, data };
}

/** A data file's bytes; a missing or unreadable file is an Error starting with the path. */
export function readDataFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(err.code === "ENOENT" ? `${path}: no such file` : `${path}: ${err.message}`);
  }
}

/** Reads and parses an IDX file; any problem is an Error starting with the path. */
export function readIdxFile(path: string): Idx {
  const bytes = readDataFile(path);
  try {
    return readIdx(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export interface IdxPairOptions {
  /** The dataset's name in messages; the images file's path by default. */
  name?: string;
  /** Class names by label; "0", "1", … up to the largest label by default. */
  classes?: string[];
  /**
   * Each pixel is multiplied by this: 1/255 by default for unsigned-byte images (so they lie in
   * [0, 1]), 1 for every other type (already in their own units).
   */
  scale?: number;
  /** The classes a label may name, and why (a label outside is an Error naming its record); MAX_CLASSES or `classes` by default. */
  limit?: ClassLimit;
}

/**
 * An images file (n × rows × cols, or n × rows × cols × channels) and a labels file (n) as a
 * Dataset whose examples have shape [rows, cols, 1] (channels last, as the models take them).
 */
export function loadIdxPair(imagesPath: string, labelsPath: string, opts: IdxPairOptions = {}): Dataset {
  const images = readIdxFile(imagesPath);
  const labels = readIdxFile(labelsPath);
  if (images.dims.length < 2) {
    throw new Error(`${imagesPath}: an images file needs at least 2 dimensions (examples × features), it has ${images.dims.length}`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${labelsPath}: a labels file has 1 dimension, this one has ${labels.dims.length} (${labels.dims.join(" × ")})`);
  }
  const n = images.dims[0]!;
  if (labels.dims[0] !== n) {
    throw new Error(`${imagesPath} holds ${n} images but ${labelsPath} holds ${labels.dims[0]} labels: the two files must describe the same examples`);
  }
  const shape = images.dims.slice(1);
  if (shape.length === 2) shape.push(1);

  const y = new Int32Array(n);
  let max = -1;
  const limit: ClassLimit = opts.limit ?? (opts.classes && opts.classes.length <= MAX_CLASSES
    ? { count: opts.classes.length, why: `${opts.classes.length} classes were given` }
    : { count: MAX_CLASSES, why: `dnnc handles at most ${MAX_CLASSES.toLocaleString("en-US")} classes` });
  for (let i = 0; i < n; i++) {
    const l = labels.data[i]!;
    // Records are counted from 0, as the format's arrays are indexed.
    if (!Number.isInteger(l) || l < 0) throw new Error(`${labelsPath}: record ${i} (counting from 0) has label ${l}; labels must be integers ≥ 0`);
    if (l >= limit.count) throw new Error(`${labelsPath}: record ${i} (counting from 0) has label ${l}, outside [0, ${limit.count}): ${limit.why}`);
    y[i] = l;
    if (l > max) max = l;
  }
  const classes = opts.classes ?? numberedClasses(max + 1);
  if (max >= classes.length) throw new Error(`${labelsPath}: label ${max} is outside the ${classes.length} classes given`);

  const scale = opts.scale ?? (images.data instanceof Uint8Array ? 1 / 255 : 1);
  const x = toFloat(images.data, scale);
  let bad = -1;
  for (let i = 0; i < x.length && bad < 0; i++) if (!Number.isFinite(x[i]!)) bad = i;
  if (bad >= 0) {
    const per = x.length / n;
    const raw = images.data[bad]!;
    throw new Error(`${imagesPath}: record ${Math.floor(bad / per)} (counting from 0), value ${bad % per} is ${raw}${Number.isFinite(raw) ? `, beyond the range of a 32-bit float${scale !== 1 ? ` once scaled by ${scale}` : ""}` : ""}: training needs finite numbers`);
  }
  return checkDataset({ name: opts.name ?? imagesPath, x, y, n, shape, classes: [...classes] });
}

/** `src` × `scale` as floats. */
function toFloat(src: IdxData, scale: number): Float32Array {
  const x = new Float32Array(src.length);
  if (scale === 1) x.set(src);
  else for (let i = 0; i < src.length; i++) x[i] = src[i]! * scale;
  return x;
}
