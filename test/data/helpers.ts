// Shared by the dataset tests: an IDX writer (the format's other half, to round-trip through
// readIdx), temporary directories, and Fashion-MNIST when installed.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { FASHION_MNIST_DIR } from "../../src/data/builtin.ts";

export const IDX_TYPES = {
  0x08: { size: 1, write: (v: DataView, at: number, x: number) => v.setUint8(at, x) },
  0x09: { size: 1, write: (v: DataView, at: number, x: number) => v.setInt8(at, x) },
  0x0b: { size: 2, write: (v: DataView, at: number, x: number) => v.setInt16(at, x) },
  0x0c: { size: 4, write: (v: DataView, at: number, x: number) => v.setInt32(at, x) },
  0x0d: { size: 4, write: (v: DataView, at: number, x: number) => v.setFloat32(at, x) },
  0x0e: { size: 8, write: (v: DataView, at: number, x: number) => v.setFloat64(at, x) },
} as const;
export type IdxTypeCode = keyof typeof IDX_TYPES;

/** An IDX file of `type` with `dims` holding `values` (big-endian, as the format says). */
export function writeIdx(type: IdxTypeCode, dims: number[], values: ArrayLike<number>, opts: { gzip?: boolean } = {}): Uint8Array {
  const t = IDX_TYPES[type];
  const header = 4 + 4 * dims.length;
  const bytes = new Uint8Array(header + values.length * t.size);
  const v = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = dims.length;
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
  for (let i = 0; i < values.length; i++) t.write(v, header + i * t.size, values[i]!);
  return opts.gzip ? gzipSync(bytes) : bytes;
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(): { dir: string; file: (name: string, data: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-data-"));
  return {
    dir,
    file: (name, data) => {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether Fashion-MNIST is installed (the README's set-up command installs it). */
export const fashionInstalled = () => existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));
