// The engine's WebAssembly API, typed here: the project compiles without lib.dom, which declares it.
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The exports of a module with no imports. */
export const instantiate = (bytes: Uint8Array): Record<string, unknown> => new wasmApi.Instance(new wasmApi.Module(bytes), {}).exports;
