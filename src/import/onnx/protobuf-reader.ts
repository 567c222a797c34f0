// The protocol-buffers wire format read back: the counterpart of backend/onnx/protobuf.ts's
// writer, for `dnnc import`. A message is a list of (field, wire type, value) records; nested
// messages and packed repeated fields are length-delimited records decoded again on demand.
// Every read is bounds-checked: malformed bytes raise a ProtoDecodeError saying where, which
// the importer turns into a diagnostic (never an exception reaching the user).

export class ProtoDecodeError extends Error {}

export const WIRE = { varint: 0, fixed64: 1, length: 2, fixed32: 5 } as const;

export interface ProtoField {
  field: number;
  wire: number;
  /** varint: the value (unsigned, 64 bits); fixed32/fixed64: the raw bytes; length: the bytes. */
  varint?: bigint;
  bytes?: Uint8Array;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** The records of one message, in the order written. `what` names the message in errors. */
export function readFields(bytes: Uint8Array, what: string): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new ProtoDecodeError(`${what}: the data ends inside a number (offset ${at})`);
      if (shift > 63n) throw new ProtoDecodeError(`${what}: a number longer than 10 bytes (offset ${at})`);
      const b = bytes[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, v);
    }
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > bytes.length) throw new ProtoDecodeError(`${what}: a field of ${n} bytes at offset ${at} runs past the end (${bytes.length} bytes)`);
    const b = bytes.subarray(at, at + n);
    at += n;
    return b;
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new ProtoDecodeError(`${what}: field number 0 at offset ${at} (not protobuf data)`);
    if (wire === WIRE.varint) out.push({ field, wire, varint: varint() });
    else if (wire === WIRE.length) {
      const n = varint();
      if (n > BigInt(bytes.length)) throw new ProtoDecodeError(`${what}: a field of ${n} bytes at offset ${at} runs past the end (${bytes.length} bytes)`);
      out.push({ field, wire, bytes: take(Number(n)) });
    } else if (wire === WIRE.fixed32) out.push({ field, wire, bytes: take(4) });
    else if (wire === WIRE.fixed64) out.push({ field, wire, bytes: take(8) });
    else throw new ProtoDecodeError(`${what}: unknown wire type ${wire} at offset ${at} (not protobuf data, or a group, which ONNX does not use)`);
  }
  return out;
}

/** A message's fields grouped by number, with typed accessors. */
export class ProtoMessage {
  private byField = new Map<number, ProtoField[]>();
  constructor(
    bytes: Uint8Array,
    readonly what: string,
  ) {
    for (const f of readFields(bytes, what)) {
      const list = this.byField.get(f.field);
      if (list) list.push(f);
      else this.byField.set(f.field, [f]);
    }
  }

  private all(field: number): ProtoField[] {
    return this.byField.get(field) ?? [];
  }

  has(field: number): boolean {
    return this.byField.has(field);
  }

  /** The last value of a scalar varint field (protobuf's rule: the last one wins), as a signed 64-bit number. */
  int(field: number, fallback = 0): number {
    const fs = this.all(field);
    const f = fs[fs.length - 1];
    if (!f) return fallback;
    if (f.varint === undefined) throw new ProtoDecodeError(`${this.what}: field ${field} should be a number`);
    return Number(BigInt.asIntN(64, f.varint));
  }

  /** A repeated int64/int32 field, packed or not. */
  ints(field: number): number[] {
    const out: number[] = [];
    for (const f of this.all(field)) {
      if (f.varint !== undefined) out.push(Number(BigInt.asIntN(64, f.varint)));
      else if (f.bytes) for (const v of readPackedVarints(f.bytes, this.what)) out.push(Number(BigInt.asIntN(64, v)));
      else throw new ProtoDecodeError(`${this.what}: field ${field} should hold integers`);
    }
    return out;
  }

  /** A repeated float field, packed (length-delimited) or not (fixed32). */
  floats(field: number): number[] {
    const out: number[] = [];
    for (const f of this.all(field)) {
      if (!f.bytes || f.bytes.length % 4 !== 0) throw new ProtoDecodeError(`${this.what}: field ${field} should hold 32-bit floats`);
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      for (let i = 0; i < f.bytes.length; i += 4) out.push(view.getFloat32(i, true));
    }
    return out;
  }

  /** A repeated double field. */
  doubles(field: number): number[] {
    const out: number[] = [];
    for (const f of this.all(field)) {
      if (!f.bytes || f.bytes.length % 8 !== 0) throw new ProtoDecodeError(`${this.what}: field ${field} should hold 64-bit floats`);
      const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      for (let i = 0; i < f.bytes.length; i += 8) out.push(view.getFloat64(i, true));
    }
    return out;
  }

  /** The last value of a fixed32 float field. */
  float(field: number, fallback = 0): number {
    const v = this.floats(field);
    return v.length ? v[v.length - 1]! : fallback;
  }

  bytes(field: number): Uint8Array | undefined {
    const fs = this.all(field);
    const f = fs[fs.length - 1];
    if (f && !f.bytes) throw new ProtoDecodeError(`${this.what}: field ${field} should be bytes`);
    return f?.bytes;
  }

  string(field: number, fallback = ""): string {
    const b = this.bytes(field);
    return b ? utf8.decode(b) : fallback;
  }

  strings(field: number): string[] {
    return this.all(field).map((f) => {
      if (!f.bytes) throw new ProtoDecodeError(`${this.what}: field ${field} should be text`);
      return utf8.decode(f.bytes);
    });
  }

  /** The nested messages of a repeated message field. */
  messages(field: number, what: string): ProtoMessage[] {
    return this.all(field).map((f, i) => {
      if (!f.bytes) throw new ProtoDecodeError(`${this.what}: field ${field} should be a message`);
      return new ProtoMessage(f.bytes, `${what} ${i}`);
    });
  }

  message(field: number, what: string): ProtoMessage | undefined {
    const b = this.bytes(field);
    return b ? new ProtoMessage(b, what) : undefined;
  }
}

function readPackedVarints(bytes: Uint8Array, what: string): bigint[] {
  return readFields(concatTagged(bytes), what).map((f) => f.varint!);
}

/** Packed varints re-read as varint records of field 1: each value prefixed with the tag byte 0x08. */
function concatTagged(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const b of bytes) {
    if (start) out.push(0x08);
    out.push(b);
    start = b < 0x80;
  }
  return Uint8Array.from(out);
}
