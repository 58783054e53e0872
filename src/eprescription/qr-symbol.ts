import fs from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';

/**
 * The QR code of a prescription number, as a matrix of modules (true = dark), drawn into the
 * generated PDFs. zxing-wasm's writer reads its WebAssembly from node_modules (never the network),
 * as the reader does in src/attachments/qr.ts.
 */
export interface QrMatrix {
  size: number;
  dark(x: number, y: number): boolean;
}

let ready: Promise<unknown> | null = null;

function prepare(): Promise<unknown> {
  ready ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm');
    const wasm = await fs.promises.readFile(wasmPath);
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    return prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  })().catch((error: unknown) => {
    ready = null;
    throw error;
  });
  return ready;
}

export async function qrMatrix(text: string): Promise<QrMatrix> {
  await prepare();
  const result = await writeBarcode(text, {
    format: 'QRCode',
    scale: 1,
    withQuietZones: false,
    ecLevel: 'M',
  });
  if (result.error) throw new Error(`QR code generation failed: ${result.error}`);
  const { data, width, height } = result.symbol;
  if (width !== height) throw new Error('QR code generation: the symbol is not square');
  return { size: width, dark: (x, y) => data[y * width + x] === 0 };
}
