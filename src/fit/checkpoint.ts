// Checkpoints are the generated model's own safetensors files (parameters, optimizer states
// and step count), written so that a crash, Ctrl-C or power cut mid-write never leaves a half
// file: written to PATH.partial, flushed to the disk (fsync), renamed over PATH, and the
// directory flushed so the rename itself survives. Weights that are not all finite are never
// written: a diverged run must not replace the last good checkpoint (the one it resumed from).
// `dnnc train` adds to their metadata what a resumed run needs to go on as if never stopped:
// the epochs done (an interrupted epoch is not counted: it is trained again from its start)
// and the learning rate the run's schedule started from.
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DivergedError, firstNonFinite } from "./diverged.ts";

export function writeCheckpoint(path: string, bytes: Uint8Array): void {
  const bad = firstNonFinite(bytes);
  if (bad) throw new DivergedError(`the weights are no longer finite (${bad.tensor}[${bad.index}] is ${bad.value})`);
  const partial = `${path}.partial`;
  const fd = openSync(partial, "w");
  try {
    writeFileSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  syncDirectory(dirname(path));
}

/** Flushes a directory's entries (the rename). Where a directory cannot be opened (Windows), there is nothing more to do. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL); the data itself is on disk.
  } finally {
    closeSync(fd);
  }
}

export const EPOCH = "dnnc.train.epoch";
export const FIRST_LR = "dnnc.train.lr";
