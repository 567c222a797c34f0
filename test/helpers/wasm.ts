// The engine's WebAssembly API, typed here: the project compiles without lib.dom, which declares it.
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of a module of dnnc's encoder (it imports its memory), and the memory. */
export function instantiate(bytes: Uint8Array): { exports: Record<string, unknown>; memory: { buffer: ArrayBuffer } } {
  const memory = new wasmApi.Memory({ initial: 1, maximum: 65536 });
  return { exports: new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports, memory };
}
