// Reading and rewriting the tensors of a safetensors file (a generated model's checkpoint)
// without a model: `dnnc train` keeps the learning rate there (`lr`) and the epoch reached in its
// metadata, and fine-tuning loads a checkpoint's parameters without its optimizer state. A
// rewrite keeps the metadata: it holds the step count, which Adam's bias correction depends on.
// Files are read and written by the generated modules' own code (runtime/safetensors.ts), so a file
// `dnnc train` takes is one a module loads, with the same checks and bounds, and one it writes is
// laid out as a module's save() lays it out.
import { safetensorsRead, safetensorsWriteEntries } from "../runtime/safetensors.ts";

export interface Entry {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** The file's tensors, in the order of their data; throws an Error saying what is wrong with a malformed file. */
export function readSafetensors(bytes: Uint8Array): Map<string, Entry> {
  const file = safetensorsRead("", bytes);
  const out = new Map<string, Entry>();
  for (const t of [...file.tensors.values()].sort((a, b) => a.begin - b.begin))
    out.set(t.name, { dtype: t.dtype, shape: t.shape, data: bytes.subarray(t.begin, t.end) });
  return out;
}

/** The file's `__metadata__` (the generated model keeps its step count there, `dnnc train` its epoch). */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  return safetensorsRead("", bytes).metadata;
}

/** The same file with `extra` added to its metadata. */
export function withMetadata(bytes: Uint8Array, extra: Record<string, string>): Uint8Array {
  return writeSafetensors(readSafetensors(bytes), { ...readMetadata(bytes), ...extra });
}

/** Writes `tensors` in order, with `metadata` (e.g. the step count read from the file they came from). */
export function writeSafetensors(tensors: Map<string, Entry>, metadata: Record<string, string> = {}): Uint8Array {
  return safetensorsWriteEntries([...tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape, bytes: t.data })), metadata);
}

export function scalarF32(e: Entry | undefined): number | undefined {
  if (!e || e.dtype !== "F32" || e.data.length !== 4) return undefined;
  return new DataView(e.data.buffer, e.data.byteOffset, 4).getFloat32(0, true);
}

export function f32Entry(value: number): Entry {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setFloat32(0, value, true);
  return { dtype: "F32", shape: [], data };
}
