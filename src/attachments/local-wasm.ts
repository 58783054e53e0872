import fs from 'node:fs';
import { createRequire } from 'node:module';

/**
 * zxing-wasm would download its WebAssembly from a CDN: this reads it from node_modules instead
 * and prepares the module once (a failed attempt is retried on the next call). Used by the QR
 * reader (src/attachments/qr.ts) and writer (src/eprescription/qr-symbol.ts).
 */
export function localWasmModule(
  specifier: string,
  prepare: (options: { overrides: { wasmBinary: ArrayBuffer }; fireImmediately: true }) => Promise<unknown>,
): () => Promise<unknown> {
  let ready: Promise<unknown> | null = null;
  return () => {
    ready ??= (async () => {
      const wasm = await fs.promises.readFile(createRequire(import.meta.url).resolve(specifier));
      const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
      return prepare({ overrides: { wasmBinary }, fireImmediately: true });
    })().catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
}
