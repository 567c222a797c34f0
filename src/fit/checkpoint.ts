// Checkpoints are the generated model's own safetensors files (parameters, optimizer states
// and step count), written so that a crash or Ctrl-C mid-write never leaves a half file.
import { renameSync, writeFileSync } from "node:fs";

export function writeCheckpoint(path: string, bytes: Uint8Array): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, path);
}
