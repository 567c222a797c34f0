// The imported weights as a safetensors file, written by the generated modules' own writer so
// that `load()` and `dnnc train --init-from` read it as they read a module's save().
import { safetensorsWrite } from "../../runtime/safetensors.ts";
import type { Weight } from "./program.ts";

export function weightsFile(ordered: readonly { name: string; weight: Weight }[]): Uint8Array {
  return safetensorsWrite(ordered.map(({ name, weight }) => ({ name, shape: weight.shape, data: weight.data })), { format: "dnnc", source: "dnnc import" });
}
