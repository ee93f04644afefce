/** The exports of an instantiated wasm module. */
export type WasmExports = Record<string, unknown>;

/** The little of the WebAssembly global berth uses (lib "dom" would declare all of it). */
interface WebAssemblyGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: WasmExports };
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: WasmExports }>;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyGlobal }).WebAssembly;
