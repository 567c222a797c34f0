// WebAssembly runtime: the kernels' binary as the module carries it (base64: the compiler
// encodes with `base64`, the module decodes with `base64Bytes`) and the one change threads need —
// the imported memory declared shared. The compiler writes the import with its limits flag 0x01
// (a least and a most size); shared memory is the same with 0x03, so the shared variant is the
// same bytes with one changed, found by walking the binary's first sections.
// dnnc:helpers-begin

/** Base64's alphabet (RFC 4648). */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 (padded) as bytes: the embedded binary, as the module reads it. */
export function base64Bytes(text: string): Uint8Array {
  const body = text.replace(/=+$/, "");
  const out = new Uint8Array((body.length * 3) >> 2);
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const v = BASE64.indexOf(body[i]!);
    if (v < 0) throw new Error(`base64: unexpected character ${JSON.stringify(body[i])}`);
    value = ((value << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) out[o++] = (value >> (bits -= 8)) & 0xff;
  }
  return out;
}

/** A copy of `bytes` whose imported memory (env.memory, the only import) is shared. */
export function sharedMemoryVariant(bytes: Uint8Array): Uint8Array {
  let at = 8; // past the magic number and version
  const uleb = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  // `at += uleb()` would read `at` before uleb() moves it past the number.
  const skip = () => {
    const size = uleb();
    at += size;
  };
  // The sections before the imports (the types).
  while (at < bytes.length && bytes[at] !== 2) at++, skip();
  if (bytes[at++] !== 2) throw new Error("dnnc: the WebAssembly kernels have no memory import");
  uleb(); // section size
  if (uleb() !== 1) throw new Error("dnnc: the WebAssembly kernels import more than their memory");
  skip(); // "env"
  skip(); // "memory"
  if (bytes[at] !== 0x02 || bytes[at + 1] !== 0x01) throw new Error("dnnc: the WebAssembly kernels' memory import is not as the compiler writes it");
  const shared = bytes.slice();
  shared[at + 1] = 0x03;
  return shared;
}

// dnnc:helpers-end

/**
 * Bytes as base64 (padded): how the compiler embeds the binary (backend/wasm/target.ts), kept
 * beside its inverse but outside the pasted region, since modules only decode. Written out, as
 * is the decoder, since neither Node's Buffer nor `btoa`/`atob` is everywhere both run.
 */
export function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const v = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += BASE64[v >> 18]! + BASE64[(v >> 12) & 63]! + (b === undefined ? "=" : BASE64[(v >> 6) & 63]!) + (c === undefined ? "=" : BASE64[v & 63]!);
  }
  return out;
}
