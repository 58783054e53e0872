import { createHash } from 'node:crypto';
import { type PDFArray, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { qrPng } from './images.ts';

/** Tests only: PDFs generated on the fly, with pdf-lib (object streams on, as it saves by default). */

export interface PdfOptions {
  pages?: number;
  /** Document-level JavaScript (Names tree), as pdf-lib's addJavaScript writes it. */
  javascript?: boolean;
  /** A link annotation whose action launches a program. */
  launch?: boolean;
  /** An embedded file (EmbeddedFiles name tree). */
  embeddedFile?: boolean;
  /** A form field whose action submits the form to a URL. */
  submitForm?: boolean;
  /** An e-prescription number, printed as a QR code on the first page. */
  qr?: string;
}

export async function makePdf(options: PdfOptions = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 0; n < (options.pages ?? 1); n++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Ordonnance - page ${n + 1}`, { x: 50, y: 780, size: 20, font });
  }
  const first = doc.getPage(0);
  const annotations: unknown[] = [];
  if (options.javascript) doc.addJavaScript('main', 'app.alert("Bonjour");');
  if (options.embeddedFile) {
    await doc.attach(Buffer.from('hello'), 'notes.txt', { mimeType: 'text/plain' });
  }
  if (options.launch) {
    annotations.push(
      doc.context.register(
        doc.context.obj({
          Type: 'Annot',
          Subtype: 'Link',
          Rect: [50, 700, 250, 720],
          A: { S: 'Launch', F: PDFString.of('calc.exe') },
        }),
      ),
    );
  }
  if (options.submitForm) {
    annotations.push(
      doc.context.register(
        doc.context.obj({
          Type: 'Annot',
          Subtype: 'Widget',
          FT: 'Btn',
          Ff: 65536,
          T: PDFString.of('envoyer'),
          Rect: [50, 650, 150, 680],
          A: { S: 'SubmitForm', F: { FS: 'URL', F: PDFString.of('https://collect.example/') } },
        }),
      ),
    );
  }
  if (annotations.length > 0) {
    first.node.set(PDFName.of('Annots'), doc.context.obj(annotations as never[]) as PDFArray);
  }
  if (options.qr) {
    const qr = await doc.embedPng(await qrPng(options.qr));
    first.drawImage(qr, { x: 400, y: 80, width: 120, height: 120 });
    first.drawText(options.qr, { x: 400, y: 60, size: 10, font });
  }
  return Buffer.from(await doc.save());
}

/** Assembles a classic PDF (xref table) from numbered object bodies (1-based). */
export function assemblePdf(objects: string[], trailer: string): Buffer {
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const PAGE_TREE = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
];

/** A one-page PDF whose catalog opens with JavaScript named with a hex escape (`/J#61vaScript`). */
export function obfuscatedJavaScriptPdf(): Buffer {
  return assemblePdf(
    [
      '<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
      PAGE_TREE[1] ?? '',
      PAGE_TREE[2] ?? '',
      '<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>',
    ],
    '',
  );
}

/** The padding string of the PDF standard security handler (ISO 32000-1, 7.6.3.3). */
const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + (s[i] ?? 0) + (key[i % key.length] ?? 0)) & 0xff;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
  }
  const out = Buffer.alloc(data.length);
  let i = 0;
  j = 0;
  for (let n = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + (s[i] ?? 0)) & 0xff;
    [s[i], s[j]] = [s[j] ?? 0, s[i] ?? 0];
    out[n] = (data[n] ?? 0) ^ (s[((s[i] ?? 0) + (s[j] ?? 0)) & 0xff] ?? 0);
  }
  return out;
}

/**
 * A one-page PDF encrypted with the standard security handler (RC4, revision 2). With
 * `userPassword` it cannot be opened without it (random /U); without, it opens with the empty
 * password — "owner password only", as many bank statements are — but is encrypted all the same.
 * It has no strings or streams to encrypt, so nothing else needs the key.
 */
export function encryptedPdf(options: { userPassword: boolean }): Buffer {
  const id = createHash('md5').update('officine-mss fixture').digest();
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(-44);
  const padded = (password: string) =>
    Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
  const owner = rc4(md5(padded('owner-secret')).subarray(0, 5), padded(''));
  const key = md5(padded(''), owner, permissions, id).subarray(0, 5);
  const user = options.userPassword ? createHash('sha256').update('random').digest() : rc4(key, PASSWORD_PAD);
  return assemblePdf(
    [
      ...PAGE_TREE,
      `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> >>`,
    ],
    `/Encrypt 4 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]`,
  );
}

/** A PDF that is slow to parse and draw: many pages, each crossed by many thin lines and bits of text. */
export async function heavyPdf(options: { pages: number; strokesPerPage: number }): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 0; n < options.pages; n++) {
    const page = doc.addPage([595, 842]);
    for (let i = 0; i < options.strokesPerPage; i++) {
      const x = (i * 37) % 560;
      const y = (i * 53) % 800;
      page.drawLine({ start: { x, y }, end: { x: 560 - x, y: 800 - y }, thickness: 0.5 });
      if (i % 10 === 0) page.drawText(`ligne ${i}, page ${n + 1}`, { x: (x + 10) % 500, y, size: 6, font });
    }
  }
  return Buffer.from(await doc.save());
}
