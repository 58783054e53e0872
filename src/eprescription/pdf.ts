import type { Color, PDFFont, PDFPage } from 'pdf-lib';
import { formatFrenchDate } from '../time/local-date.ts';
import type { EPrescription } from './base.ts';
import { qrMatrix } from './qr-symbol.ts';

/**
 * The PDFs of the health record, generated from their data with pdf-lib: an e-prescription shows
 * the prescriber, the patient, the lines, and its QR code with the number printed in clear under
 * it (as on the real printed copy); another document shows its text. Deterministic: the same data
 * gives the same bytes (dates come from the document, not the clock), hence the same blob.
 *
 * pdf-lib is loaded on first use: it is only needed where health-record PDFs are made.
 */
export interface PdfDocumentContent {
  title: string;
  author: string;
  issuedOn: string;
  patientName: string;
  body: string;
  prescription: EPrescription | null;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const QR_SIZE = 120;

export async function renderHealthDocumentPdf(content: PdfDocumentContent): Promise<Uint8Array> {
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const pdf = await PDFDocument.create();
  const issued = new Date(`${content.issuedOn}T12:00:00.000Z`);
  pdf.setTitle(content.title);
  pdf.setAuthor(content.author);
  pdf.setProducer('Officine MSS (démonstration)');
  pdf.setCreator('Officine MSS');
  pdf.setCreationDate(issued);
  pdf.setModificationDate(issued);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([A4.width, A4.height]);
  const maxWidth = A4.width - 2 * MARGIN;
  let y = A4.height - MARGIN;

  const write = (text: string, font: PDFFont, size: number, gap = 4) => {
    for (const line of wrap(encodable(text, font), font, size, maxWidth)) {
      y -= size;
      page.drawText(line, { x: MARGIN, y, size, font, color: rgb(0.1, 0.1, 0.1) });
      y -= gap;
    }
  };

  write(content.title, bold, 18, 10);
  write(content.author, regular, 11);
  write(`Le ${formatFrenchDate(content.issuedOn)}`, regular, 11, 14);
  write(`Patient : ${content.patientName}`, bold, 12, 16);

  if (content.prescription) {
    for (const line of content.prescription.lines) {
      write(line.label, bold, 12, 2);
      write(`${line.quantity} — ${line.posology}`, regular, 11, 12);
    }
    await drawQr(page, content.prescription.number, rgb(0, 0, 0));
    const label = `N° ${content.prescription.number}`;
    const size = 10;
    page.drawText(label, {
      x: MARGIN + (QR_SIZE - regular.widthOfTextAtSize(label, size)) / 2,
      y: MARGIN,
      size,
      font: regular,
    });
  } else {
    for (const paragraph of content.body.split('\n')) write(paragraph, regular, 11, 6);
  }
  return pdf.save({ useObjectStreams: false });
}

async function drawQr(page: PDFPage, number: string, color: Color): Promise<void> {
  const matrix = await qrMatrix(number);
  // Quiet zone of 4 modules around the symbol, inside the drawn square.
  const modules = matrix.size + 8;
  const cell = QR_SIZE / modules;
  const left = MARGIN + 4 * cell;
  const top = MARGIN + 14 + QR_SIZE - 4 * cell;
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (!matrix.dark(col, row)) continue;
      page.drawRectangle({
        x: left + col * cell,
        y: top - (row + 1) * cell,
        width: cell,
        height: cell,
        color,
      });
    }
  }
}

/** The text with the characters the standard font cannot encode replaced by `?`. */
function encodable(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  let out = '';
  for (const char of text) out += supported.has(char.codePointAt(0) ?? 0) ? char : '?';
  return out;
}

function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && font.widthOfTextAtSize(candidate, size) > maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  return lines;
}
