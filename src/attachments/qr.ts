import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { RgbaImage } from './image.ts';
import { localWasmModule } from './local-wasm.ts';

/**
 * E-prescription numbers read from QR codes (domain note §2). The printed e-prescription carries
 * a QR code holding its unique number; the number's length, alphabet and checksum are not
 * public, so it is treated as an opaque token: the QR text, trimmed, must be 6 to 64 letters and
 * digits, and is returned upper-cased. Anything else (URLs, the INS DataMatrix/QR of identity
 * documents, structured payloads) is ignored, as are other barcode formats.
 *
 * zxing-wasm would download its WebAssembly binary from a CDN: it is read from node_modules
 * instead and handed over as `wasmBinary`, so scanning never touches the network.
 */
export const PRESCRIPTION_NUMBER = /^[A-Z0-9]{6,64}$/;

const prepare = localWasmModule('zxing-wasm/reader/zxing_reader.wasm', prepareZXingModule);

/** Upper-cased token, or null when the text is not shaped like a prescription number. */
export function prescriptionNumberFrom(text: string): string | null {
  const token = text.trim().toUpperCase();
  return PRESCRIPTION_NUMBER.test(token) ? token : null;
}

/** The distinct prescription numbers found in the pictures, in the order found. */
export async function scanPrescriptionNumbers(images: readonly RgbaImage[]): Promise<string[]> {
  await prepare();
  const found = new Set<string>();
  for (const image of images) {
    let results: Awaited<ReturnType<typeof readBarcodes>>;
    try {
      results = await readBarcodes(image, {
        formats: ['QRCode'],
        textMode: 'Plain',
        tryHarder: true,
        tryRotate: true,
        tryInvert: true,
        maxNumberOfSymbols: 8,
      });
    } catch {
      // The scan is a convenience (the number can be typed): a picture it chokes on is skipped.
      continue;
    }
    for (const result of results) {
      if (!result.isValid) continue;
      const number = prescriptionNumberFrom(result.text);
      if (number) found.add(number);
    }
  }
  return [...found];
}
