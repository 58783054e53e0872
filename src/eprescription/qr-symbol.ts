import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer';
import { localWasmModule } from '../attachments/local-wasm.ts';

/**
 * The QR code of a prescription number, as a matrix of modules (true = dark), drawn into the
 * generated PDFs. zxing-wasm's writer reads its WebAssembly from node_modules (never the network),
 * as the reader does in src/attachments/qr.ts.
 */
export interface QrMatrix {
  size: number;
  dark(x: number, y: number): boolean;
}

const prepare = localWasmModule('zxing-wasm/writer/zxing_writer.wasm', prepareZXingModule);

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
