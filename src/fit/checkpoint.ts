// Checkpoints are the generated model's own safetensors files (parameters, optimizer states
// and step count), written so that a crash or Ctrl-C mid-write never leaves a half file.
// `dnnc train` adds to their metadata what a resumed run needs to go on as if never stopped:
// the epochs done (an interrupted epoch is not counted: it is trained again from its start)
// and the learning rate the run's schedule started from.
import { renameSync, writeFileSync } from "node:fs";

export function writeCheckpoint(path: string, bytes: Uint8Array): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
}

export const EPOCH = "dnnc.train.epoch";
export const FIRST_LR = "dnnc.train.lr";
