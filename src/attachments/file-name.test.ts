import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadHeaders } from './download.ts';
import { contentDisposition, sanitizeFileName } from './file-name.ts';

test('paths are stripped: ../../x.pdf is x.pdf', () => {
  assert.equal(sanitizeFileName('../../x.pdf', 'application/pdf'), 'x.pdf');
  assert.equal(sanitizeFileName('..\\..\\Windows\\system32\\x.pdf', 'application/pdf'), 'x.pdf');
  assert.equal(sanitizeFileName('/etc/passwd', 'application/pdf'), 'passwd.pdf');
  assert.equal(sanitizeFileName('../../', 'application/pdf'), 'piece-jointe.pdf');
  assert.equal(sanitizeFileName('..', 'image/jpeg'), 'piece-jointe.jpg');
});

test('the extension matches the stored type, never the claimed one', () => {
  assert.equal(sanitizeFileName('IMG_0001.HEIC', 'image/jpeg'), 'IMG_0001.jpg');
  assert.equal(sanitizeFileName('ordonnance.pdf', 'image/jpeg'), 'ordonnance.jpg');
  assert.equal(sanitizeFileName('photo.jpg', 'application/pdf'), 'photo.pdf');
  assert.equal(sanitizeFileName('Scan.PDF', 'application/pdf'), 'Scan.PDF');
  assert.equal(sanitizeFileName('photo.jpeg', 'image/jpeg'), 'photo.jpeg');
  assert.equal(sanitizeFileName('facture.exe', 'application/pdf'), 'facture.exe.pdf');
  assert.equal(sanitizeFileName('ordonnance', 'application/pdf'), 'ordonnance.pdf');
  assert.equal(sanitizeFileName(undefined, 'image/jpeg'), 'piece-jointe.jpg');
});

test('control, format and reserved characters are removed; Windows device names defused', () => {
  assert.equal(sanitizeFileName('ordo\u0000nnance\r\n.pdf', 'application/pdf'), 'ordonnance.pdf');
  // U+202E RIGHT-TO-LEFT OVERRIDE would display "photo\u202Egpj.exe" as "photoexe.jpg".
  assert.equal(sanitizeFileName('photo\u202Egpj.exe', 'image/jpeg'), 'photogpj.exe.jpg');
  assert.equal(sanitizeFileName('a<b>c:d"e|f?g*h.pdf', 'application/pdf'), 'a_b_c_d_e_f_g_h.pdf');
  assert.equal(sanitizeFileName('  .hidden. .pdf', 'application/pdf'), 'hidden.pdf');
  assert.equal(sanitizeFileName('CON.pdf', 'application/pdf'), '_CON.pdf');
  assert.equal(
    sanitizeFileName('Ordonnance du 3 mars – Dr Müller.pdf', 'application/pdf'),
    'Ordonnance du 3 mars – Dr Müller.pdf',
  );
});

test('long names are cut to the limit, on a character boundary, keeping the extension', () => {
  const name = sanitizeFileName(`${'é'.repeat(80)}${'😀'.repeat(80)}.pdf`, 'application/pdf', 120);
  assert.equal(Array.from(name).length, 120);
  assert.ok(name.endsWith('😀.pdf'));
  assert.equal(Buffer.from(name, 'utf8').toString('utf8'), name, 'no lone surrogate');
});

test('Content-Disposition: attachment, an ASCII fallback and the UTF-8 name (RFC 6266)', () => {
  assert.equal(contentDisposition('x.pdf'), `attachment; filename="x.pdf"; filename*=UTF-8''x.pdf`);
  assert.equal(
    contentDisposition('Ordonnance Müller (3).pdf'),
    `attachment; filename="Ordonnance Muller (3).pdf"; filename*=UTF-8''Ordonnance%20M%C3%BCller%20%283%29.pdf`,
  );
  const tricky = contentDisposition('a"b\\c;d%e\'f.pdf');
  assert.match(
    tricky,
    /^attachment; filename="a_b_c_d_e'f\.pdf"; filename\*=UTF-8''a%22b%5Cc%3Bd%25e%27f\.pdf$/,
  );
  assert.match(
    contentDisposition('處方.pdf'),
    /^attachment; filename="__\.pdf"; filename\*=UTF-8''%E8%99%95%E6%96%B9\.pdf$/,
  );
});

test('download headers: attachment, a sandboxing CSP, no shared caching', () => {
  const headers = downloadHeaders({ fileName: 'Ordonnance Müller.pdf', mediaType: 'application/pdf' }, 1234);
  assert.deepEqual(headers, {
    'Content-Type': 'application/pdf',
    'Content-Length': '1234',
    'Content-Disposition': `attachment; filename="Ordonnance Muller.pdf"; filename*=UTF-8''Ordonnance%20M%C3%BCller.pdf`,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, no-store',
  });
});
