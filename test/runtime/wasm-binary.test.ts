// The wasm runtime's handling of the kernels' binary (runtime/wasm/binary.ts): base64 as RFC 4648
// decodes it, and the shared-memory variant threads need — the same module with its memory import
// declared shared, one byte changed — which the engine accepts with a shared memory.
import { describe, expect, it } from "vitest";
import { wasmKernelsBinary } from "../../src/backend/wasm/target.ts";
import { base64, base64Bytes, sharedMemoryVariant } from "../../src/runtime/wasm/binary.ts";
import { wasmApi } from "../helpers/wasm.ts";

describe("the kernels' binary", () => {
  it("base64 decodes what Node's Buffer encodes, every padding", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 255]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      expect(base64Bytes(Buffer.from(bytes).toString("base64"))).toEqual(bytes);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    }
    expect(() => base64Bytes("ab$d")).toThrow(/unexpected character "\$"/);
  });

  it("the shared-memory variant differs in the memory import's limits flag alone, and instantiates with a shared memory", () => {
    const bytes = wasmKernelsBinary();
    const shared = sharedMemoryVariant(bytes);
    const changed = [...bytes.keys()].filter((i) => bytes[i] !== shared[i]);
    expect(changed.length).toBe(1);
    expect([bytes[changed[0]!], shared[changed[0]!]]).toEqual([0x01, 0x03]);
    const memory = new wasmApi.Memory({ initial: 1, maximum: 65536, shared: true });
    expect(new wasmApi.Instance(new wasmApi.Module(shared), { env: { memory } }).exports["product"]).toBeTypeOf("function");
    expect(() => new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } })).toThrow();
  });

  it("a binary that is not the compiler's is refused by name", () => {
    expect(() => sharedMemoryVariant(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0))).toThrow(/have no memory import/);
  });
});
