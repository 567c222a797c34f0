// Checkpoints survive a crash or power cut: the data is flushed to the disk (fsync) before the
// rename puts it in place, and the directory after it, so the rename is on the disk too. The
// calls into node:fs are recorded (the real functions still run) to check that order.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

const calls: string[] = [];
vi.mock("node:fs", async (original) => {
  const fs = await original<typeof import("node:fs")>();
  const fdPaths = new Map<number, string>();
  return {
    ...fs,
    openSync: (path: string, flags: string) => {
      const fd = fs.openSync(path, flags);
      fdPaths.set(fd, path);
      calls.push(`open ${path}`);
      return fd;
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${fdPaths.get(fd)}`);
      return fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      calls.push(`rename ${from} → ${to}`);
      return fs.renameSync(from, to);
    },
  };
});

const { writeCheckpoint } = await import("../../src/fit/checkpoint.ts");
const { f32Entry, writeSafetensors } = await import("../../src/fit/safetensors.ts");

describe("writeCheckpoint", () => {
  it("fsyncs the file before renaming it into place, then its directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-checkpoint-"));
    const path = join(dir, "m.safetensors");
    const bytes = writeSafetensors(new Map([["w", f32Entry(0.5)]]));
    calls.length = 0;
    writeCheckpoint(path, bytes);
    expect(calls).toEqual([`open ${path}.partial`, `fsync ${path}.partial`, `rename ${path}.partial → ${path}`, `open ${dir}`, `fsync ${dir}`]);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  });
});
