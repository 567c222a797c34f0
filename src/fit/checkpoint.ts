// Checkpoints are the generated model's own safetensors files (parameters, optimizer states
// and step count), written so that a crash, Ctrl-C or power cut mid-write never leaves a half
// file: written to PATH.partial, flushed to the disk (fsync), renamed over PATH, and the
// directory flushed so the rename itself survives. Weights that are not all finite are never
// written: a diverged run must not replace the last good checkpoint (the one it resumed from).
// `dnnc train` adds to their metadata what a resumed run needs to go on as if never stopped:
// the epochs done (an interrupted epoch is not counted: it is trained again from its start)
// the learning rate the run's schedule started from, the history of every epoch done (for the
// report of a resumed run) and the commands of the runs so far.
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DivergedError, firstNonFinite } from "./diverged.ts";
import type { EpochStats } from "./loop.ts";

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
export const HISTORY = "dnnc.train.history";
export const COMMANDS = "dnnc.train.commands";

/** The epochs up to `done` (an interrupted one is trained again), as the checkpoint keeps them. */
export function historyMetadata(history: readonly EpochStats[], done: number): string {
  return JSON.stringify(history.filter((h) => h.epoch <= done));
}

/** The history a checkpoint keeps, up to `done` epochs; [] when it keeps none or it is not one (a file from before histories were kept). */
export function readHistory(metadata: Record<string, string>, done: number): EpochStats[] {
  const parsed = parseJson(metadata[HISTORY]);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((h): h is EpochStats => typeof h === "object" && h !== null && Number.isInteger(h.epoch) && typeof h.loss === "number" && h.epoch <= done);
}

/** The commands of the runs a checkpoint continues, oldest first. */
export function readCommands(metadata: Record<string, string>): string[] {
  const parsed = parseJson(metadata[COMMANDS]);
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === "string") : [];
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
