/**
 * Counts the operators of a PDF content stream (ISO 32000-1, annex A) without parsing their
 * operands: strings, names, arrays, dictionaries, comments and inline image data are skipped;
 * every other token that is an operator's name counts. Used to refuse, before pdf.js builds its
 * operator list and draws, a page that would keep a worker thread busy for minutes.
 */
const OPERATORS = new Set(
  (
    'b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k l ' +
    'm M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* y \' "'
  )
    .split(' ')
    .map((name) => key(Buffer.from(name, 'latin1'), 0, name.length)),
);
const ID = key(Buffer.from('ID', 'latin1'), 0, 2);

/** An operator's name (1 to 3 bytes) as a number. */
function key(data: Uint8Array, start: number, length: number): number {
  let k = 0;
  for (let i = 0; i < length; i++) k = k * 256 + (data[start + i] ?? 0);
  return k * 4 + length;
}

const WHITE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;

const isRegular = (c: number) => WHITE[c] === 0 && DELIMITER[c] === 0;

/** Operators in `data`; counting stops once past `stopAfter` (the answer is then `stopAfter + 1`). */
export function countOperators(data: Uint8Array, stopAfter: number): number {
  let count = 0;
  let at = 0;
  const end = data.length;
  while (at < end) {
    const c = data[at] ?? 0;
    if (WHITE[c]) {
      at++;
    } else if (c === 0x25) {
      // % comment, to the end of the line
      while (at < end && data[at] !== 0x0a && data[at] !== 0x0d) at++;
    } else if (c === 0x28) {
      at = skipString(data, at);
    } else if (c === 0x3c) {
      // << (a dictionary opens) or a <hex string>
      if (data[at + 1] === 0x3c) at += 2;
      else while (at < end && data[at] !== 0x3e) at++;
      at++;
    } else if (c === 0x2f) {
      at++;
      while (at < end && isRegular(data[at] ?? 0)) at++;
    } else if (DELIMITER[c]) {
      at++;
    } else {
      const start = at;
      while (at < end && isRegular(data[at] ?? 0)) at++;
      const length = at - start;
      if (length > 3) continue;
      const name = key(data, start, length);
      if (OPERATORS.has(name)) {
        count++;
        if (count > stopAfter) return count;
        if (name === ID) at = skipInlineImage(data, at);
      }
    }
  }
  return count;
}

/** After `(`: to past the balancing `)`, escapes skipped. */
function skipString(data: Uint8Array, at: number): number {
  let depth = 0;
  while (at < data.length) {
    const c = data[at++];
    if (c === 0x5c) at++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) break;
  }
  return at;
}

/** After `ID`: past the inline image's data, to its `EI` (whitespace before and after). */
function skipInlineImage(data: Uint8Array, at: number): number {
  for (let i = at + 1; i + 1 < data.length; i++) {
    if (
      data[i] === 0x45 &&
      data[i + 1] === 0x49 &&
      WHITE[data[i - 1] ?? 0] &&
      (i + 2 >= data.length || !isRegular(data[i + 2] ?? 0))
    ) {
      return i;
    }
  }
  return data.length;
}
