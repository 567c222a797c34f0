// The WebAssembly target (target.ts's contract): the TypeScript target's module, synchronous and
// standalone, with its matrix products run by WebAssembly SIMD128 kernels that the compiler
// generates (gemm.ts, encoded by encode.ts) and embeds as base64. Decision 0011 says why the
// binary is written by a small encoder of our own and which kernels move to WebAssembly next.
import { runtimePart } from "../runtime-parts.ts";
import { jsString } from "../names.ts";
import { modelApi, type Target } from "../target.ts";
import { CPU_RUNTIME, emitTypeScript, type CpuFlavour } from "../ts/emit.ts";
import { encodeModule } from "./encode.ts";
import { gemmFuncs, MR, NR } from "./gemm.ts";

/**
 * The kernels' binary: the packers and the product, one exported memory of one page to start.
 * `fma`: the variant for engines with relaxed SIMD, which the runtime picks when it validates.
 */
export const wasmKernelsBinary = (fma = false): Uint8Array => encodeModule({ funcs: gemmFuncs(fma), memoryPages: 1 });

/** Base64 (RFC 4648, padded), written out so the compiler runs where Node's Buffer does not. */
export function base64(bytes: Uint8Array): string {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]];
    const v = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + (b === undefined ? "=" : ALPHABET[(v >> 6) & 63]!) + (c === undefined ? "=" : ALPHABET[v & 63]!);
  }
  return out;
}

/** What makes the TypeScript target's module this target's: the kernels' runtime and binary. */
export const wasmFlavour = (): CpuFlavour => ({
  runtime: [...CPU_RUNTIME, runtimePart("runtime/wasm/kernels.ts")],
  gemm: "wasmKernels.product",
  createSeed: "wasmCreateSeed",
  prelude: [
    "/** The WebAssembly kernels dnnc generated for this module (SIMD128), compiled on first use. */",
    `const wasmKernels = new WasmKernels(${jsString(base64(wasmKernelsBinary()))}, ${jsString(base64(wasmKernelsBinary(true)))}, ${MR}, ${NR});`,
    "",
  ],
});

export const wasmTarget: Target = {
  name: "wasm",
  emit: (input) => ({ module: emitTypeScript(input, wasmFlavour()), api: { models: input.models.map((m) => modelApi(m.model)), async: false } }),
};
