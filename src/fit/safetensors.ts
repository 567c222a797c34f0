// Reading and rewriting the tensors of a safetensors file (a generated model's checkpoint)
// without a model: `dnnc train` keeps the learning rate there (`lr`) and the epoch reached in its
// metadata, and fine-tuning loads a checkpoint's parameters without its optimizer state. A
// rewrite keeps the metadata: it holds the step count, which Adam's bias correction depends on.
export interface Entry {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

export function readSafetensors(bytes: Uint8Array): Map<string, Entry> {
  const { header, base } = readHeader(bytes);
  const out = new Map<string, Entry>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [from, to] = t.data_offsets;
    if (!(from >= 0 && to >= from && base + to <= bytes.length)) throw new Error(`not a safetensors file: tensor "${name}" lies outside the file`);
    out.set(name, { dtype: t.dtype, shape: t.shape, data: bytes.subarray(base + from, base + to) });
  }
  return out;
}

/** The file's `__metadata__` (the generated model keeps its step count there, `dnnc train` its epoch). */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const m = readHeader(bytes).header.__metadata__ as unknown;
  return typeof m === "object" && m !== null ? (m as Record<string, string>) : {};
}

/** The same file with `extra` added to its metadata. */
export function withMetadata(bytes: Uint8Array, extra: Record<string, string>): Uint8Array {
  return writeSafetensors(readSafetensors(bytes), { ...readMetadata(bytes), ...extra });
}

function readHeader(bytes: Uint8Array) {
  if (bytes.length < 8) throw new Error("not a safetensors file: shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new Error(`not a safetensors file: the header length is ${headerLength} bytes, but only ${bytes.length - 8} bytes follow it`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error("not a safetensors file: its header is not JSON");
  }
  return { header, base: 8 + headerLength };
}

/** Writes `tensors` in order, with `metadata` (e.g. the step count read from the file they came from). */
export function writeSafetensors(tensors: Map<string, Entry>, metadata: Record<string, string> = {}): Uint8Array {
  // No prototype: a tensor named `__proto__` is an ordinary key, written like any other.
  const header: Record<string, unknown> = Object.create(null);
  if (Object.keys(metadata).length) header["__metadata__"] = metadata;
  let offset = 0;
  for (const [name, t] of tensors) header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, (offset += t.data.length)] };
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += " "; // data 8-byte aligned, as the format recommends
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors.values()) out.set(t.data, at), (at += t.data.length);
  return out;
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
