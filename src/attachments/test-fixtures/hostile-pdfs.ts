import zlib from 'node:zlib';
import { assemblePdf } from './pdfs.ts';

/**
 * Tests only: PDFs built to cost the server (compression bombs, operator floods), as raw bytes.
 * None needs the memory it claims: a bomb is one small self-contained deflate block repeated.
 */

const MiB = 1024 * 1024;

/**
 * A zlib stream that inflates to `bytes` zeros (a multiple of 1 MiB), ~1/1000 of that in size:
 * a 1 MiB block of zeros compressed with a full flush (no back-reference into the previous
 * block), repeated, then the final block and the Adler-32 of that many zeros.
 */
export function zeroBomb(bytes: number): Buffer {
  // Without Z_FINISH the blocks are not final; the full flush resets the window.
  const block = zlib.deflateRawSync(Buffer.alloc(MiB), {
    finishFlush: zlib.constants.Z_FULL_FLUSH,
    level: 9,
  });
  const end = zlib.deflateRawSync(Buffer.alloc(0));
  const blocks = Math.ceil(bytes / MiB);
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((blocks * MiB) % 65521) * 65536 + 1) >>> 0);
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: blocks }, () => block),
    end,
    adler,
  ]);
}

/** A one-page PDF whose content stream inflates to `inflatedBytes` zeros (whitespace to pdf.js). */
export function inflateBombPdf(inflatedBytes: number): Buffer {
  return onePagePdf(zeroBomb(inflatedBytes), '/Filter /FlateDecode');
}

/** A one-page PDF whose content stream is `content`, stored with the filter chain given. */
export function onePagePdf(data: Buffer, filter: string, extraObjects: string[] = []): Buffer {
  return assemblePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
      `<< /Length ${data.length} ${filter} >>\nstream\n${data.toString('latin1')}\nendstream`,
      ...extraObjects,
    ],
    '',
  );
}

/**
 * A one-page PDF whose content stream fills `operations` tiny rectangles (`x y 1 1 re f`):
 * compressed, a few dozen kilobytes; drawn, a worker thread busy for a long time.
 */
export function fillFloodPdf(operations: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < operations; i++) lines.push(`${(i % 59) * 10} ${(i % 59) * 14} 1 1 re f`);
  return onePagePdf(zlib.deflateSync(Buffer.from(lines.join('\n'), 'latin1')), '/Filter /FlateDecode');
}

/**
 * LZW codes (9 to 12 bits, EarlyChange 1) that decode to runs of zeros growing by one byte per
 * code (each code is the next one to be defined), a clear code every 3,800 codes: ~1,300 times
 * their size.
 */
export function lzwBomb(rounds: number): Buffer {
  const codes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    codes.push(256, 0);
    for (let code = 258; code < 4000; code++) codes.push(code);
  }
  codes.push(257);
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  let width = 9;
  let next = 258;
  let defining = false;
  for (const code of codes) {
    bits = (bits << width) | code;
    count += width;
    while (count >= 8) {
      count -= 8;
      out.push((bits >>> count) & 0xff);
    }
    bits &= (1 << count) - 1;
    if (code === 256) {
      width = 9;
      next = 258;
      defining = false;
      continue;
    }
    if (defining) {
      next++;
      const n = next + 1;
      if ((n & (n - 1)) === 0) width = Math.min(Math.log2(n) + 1, 12);
    }
    defining = true;
  }
  if (count > 0) out.push((bits << (8 - count)) & 0xff);
  return Buffer.from(out);
}

/** RunLength data: `bytes` zeros, 128 per two bytes. */
export function runLengthBomb(bytes: number): Buffer {
  return Buffer.concat([Buffer.alloc(Math.ceil(bytes / 128) * 2, Buffer.from([129, 0])), Buffer.from([128])]);
}

/** A one-page PDF whose page has `streams` content streams of `operations` fills each. */
export function manyContentStreamsPdf(streams: number, operations: number): Buffer {
  const content = zlib.deflateSync(Buffer.from('0 0 1 1 re f\n'.repeat(operations), 'latin1'));
  const refs = Array.from({ length: streams }, (_, i) => `${i + 4} 0 R`).join(' ');
  return assemblePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [${refs}] >>`,
      ...Array.from(
        { length: streams },
        () =>
          `<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n${content.toString('latin1')}\nendstream`,
      ),
    ],
    '',
  );
}

/**
 * A one-page PDF whose page draws a form that draws the next one `fanOut` times, `depth` levels
 * down, the last one filling a rectangle: every content stream is tiny, but drawn, the page
 * holds fanOut^depth fills.
 */
export function nestedFormsPdf(depth: number, fanOut: number): Buffer {
  const form = (n: number) => 4 + n;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${form(depth + 1)} 0 R /Resources << /XObject << /X ${form(depth)} 0 R >> >> >>`,
  ];
  for (let level = 0; level <= depth; level++) {
    const body = level === 0 ? '0 0 1 1 re f\n' : '/X Do\n'.repeat(fanOut);
    const resources = level === 0 ? '' : `/Resources << /XObject << /X ${form(level - 1)} 0 R >> >>`;
    objects.push(
      `<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] ${resources} /Length ${body.length} >>\nstream\n${body}\nendstream`,
    );
  }
  const page = '/X Do\n';
  objects.push(`<< /Length ${page.length} >>\nstream\n${page}\nendstream`);
  return assemblePdf(objects, '');
}
