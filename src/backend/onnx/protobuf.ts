// The protocol-buffers wire format, the part ONNX files need: varints and length-delimited fields
// (strings, bytes, nested messages), nothing else: the floats are all in tensors' raw_data. A message is written bottom-up: its
// fields are encoded into a ProtoWriter, and its bytes become a length-delimited field of its
// parent. Decision 0016 records why dnnc writes this by hand rather than with a library.

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  /** A varint field (int32, int64, enum, bool); negative numbers take ten bytes, as int64 does. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** A length-delimited field: bytes, a string (UTF-8) or a nested message. */
  bytes(field: number, value: Uint8Array | string | ProtoWriter): this {
    const data = typeof value === "string" ? utf8.encode(value) : value instanceof ProtoWriter ? value.finish() : value;
    this.tag(field, WIRE_LENGTH);
    this.rawVarint(BigInt(data.length));
    this.flush();
    this.chunks.push(data);
    this.length += data.length;
    return this;
  }

  /** Each message of `items` as a repeated field, in order. */
  messages<T>(field: number, items: readonly T[], encode: (item: T) => ProtoWriter): this {
    for (const item of items) this.bytes(field, encode(item));
    return this;
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  private rawVarint(v: bigint): void {
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private flush(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }
}
