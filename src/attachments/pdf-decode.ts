import zlib from 'node:zlib';

/**
 * The stream filters pdf.js decodes itself, decoded here first, each under a byte cap, so that
 * what pdf.js would inflate is known before it is given the file (src/attachments/pdf-streams.ts).
 *
 * - Flate and Brotli go through node:zlib with `maxOutputLength` at the cap (zlib stops one
 *   chunk past it: the whole output is never allocated), synchronously — this runs in a worker
 *   thread, and keeps libuv's threads for the main thread's files. Corrupt data, where the
 *   synchronous call keeps nothing, is decoded again as a stream, counted chunk by chunk.
 * - LZW, ASCII85, ASCIIHex and RunLength are decoded here, into a buffer that never grows past
 *   the cap.
 * - A decoder stops where its data says it ends (end of deflate stream, EOD code, `~>`, `>`,
 *   128), so it may be given every byte from the stream's start to the end of the file: it then
 *   decodes at least what pdf.js decodes from the same start, whatever the stream's /Length says.
 *   Corrupt data ends the output where the corruption is, as in pdf.js.
 * - Image codecs (DCT, JPX, CCITT, JBIG2) are not decoded: pdf.js reads an image only up to the
 *   size its width and height give, within `maxImagePixels`.
 */
export type Decoded =
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'image' }
  | { kind: 'over'; decoded: number };

const IMAGE_FILTERS = new Set([
  'DCTDecode',
  'DCT',
  'JPXDecode',
  'JPX',
  'CCITTFaxDecode',
  'CCF',
  'JBIG2Decode',
]);

/** Decodes `data` with one filter, `cap` bytes of output at most (`over` past it). */
export async function decodeFilter(
  name: string,
  data: Buffer,
  cap: number,
  params: { earlyChange: number },
): Promise<Decoded> {
  if (IMAGE_FILTERS.has(name)) return { kind: 'image' };
  switch (name) {
    case 'FlateDecode':
    case 'Fl':
      return flate(data, cap);
    case 'BrotliDecode':
      return zlibDecode('brotli', data, cap);
    case 'LZWDecode':
    case 'LZW':
      return lzw(data, cap, params.earlyChange);
    case 'ASCII85Decode':
    case 'A85':
      return ascii85(data, cap);
    case 'ASCIIHexDecode':
    case 'AHx':
      return asciiHex(data, cap);
    case 'RunLengthDecode':
    case 'RL':
      return runLength(data, cap);
    default:
      // pdf.js passes a stream with a filter it does not know through as it is.
      return { kind: 'bytes', bytes: data };
  }
}

/** pdf.js checks the two-byte zlib header, then inflates the raw deflate data (no checksum). */
function flate(data: Buffer, cap: number): Promise<Decoded> {
  const cmf = data[0] ?? 0;
  const flg = data[1] ?? 0;
  if (data.length < 2 || (cmf & 0x0f) !== 8 || ((cmf << 8) + flg) % 31 !== 0 || flg & 0x20) {
    return Promise.resolve({ kind: 'bytes', bytes: Buffer.alloc(0) });
  }
  return zlibDecode('inflate', data.subarray(2), cap);
}

function zlibDecode(kind: 'inflate' | 'brotli', data: Buffer, cap: number): Promise<Decoded> {
  try {
    const bytes =
      kind === 'inflate'
        ? zlib.inflateRawSync(data, { maxOutputLength: cap, finishFlush: zlib.constants.Z_SYNC_FLUSH })
        : zlib.brotliDecompressSync(data, { maxOutputLength: cap });
    return Promise.resolve({ kind: 'bytes', bytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      return Promise.resolve({ kind: 'over', decoded: cap + 1 });
    }
    const decoder = kind === 'inflate' ? zlib.createInflateRaw() : zlib.createBrotliDecompress();
    return zlibStream(decoder, data, cap);
  }
}

const INPUT_CHUNK = 64 * 1024;

function zlibStream(
  decoder: zlib.Inflate | zlib.BrotliDecompress,
  data: Buffer,
  cap: number,
): Promise<Decoded> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Decoded) => {
      if (done) return;
      done = true;
      decoder.destroy();
      resolve(result);
    };
    decoder.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) finish({ kind: 'over', decoded: size });
      else chunks.push(chunk);
    });
    // Corrupt or truncated data: what came out before counts, as pdf.js decodes up to there.
    decoder.on('error', () => finish({ kind: 'bytes', bytes: Buffer.concat(chunks) }));
    decoder.on('end', () => finish({ kind: 'bytes', bytes: Buffer.concat(chunks) }));
    let at = 0;
    const feed = () => {
      while (!done && at < data.length) {
        const more = decoder.write(data.subarray(at, at + INPUT_CHUNK));
        at += INPUT_CHUNK;
        if (!more) {
          decoder.once('drain', feed);
          return;
        }
      }
      if (!done) decoder.end();
    };
    feed();
  });
}

/** A buffer that refuses to grow past its cap. */
class CappedOutput {
  #buffer = Buffer.alloc(4096);
  length = 0;
  over = false;

  constructor(readonly cap: number) {}

  /** False once past the cap. */
  push(byte: number): boolean {
    if (this.length >= this.cap) {
      this.over = true;
      return false;
    }
    if (this.length === this.#buffer.length) {
      const grown = Buffer.alloc(Math.min(this.cap, this.#buffer.length * 2));
      this.#buffer.copy(grown);
      this.#buffer = grown;
    }
    this.#buffer[this.length++] = byte;
    return true;
  }

  result(): Decoded {
    return this.over
      ? { kind: 'over', decoded: this.length + 1 }
      : { kind: 'bytes', bytes: this.#buffer.subarray(0, this.length) };
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0;

function asciiHex(data: Buffer, cap: number): Decoded {
  const out = new CappedOutput(cap);
  let high = -1;
  for (const c of data) {
    if (c === 0x3e) break; // '>'
    const digit =
      c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 87 : -1;
    if (digit < 0) continue;
    if (high < 0) high = digit;
    else {
      if (!out.push((high << 4) | digit)) break;
      high = -1;
    }
  }
  if (high >= 0) out.push(high << 4);
  return out.result();
}

function ascii85(data: Buffer, cap: number): Decoded {
  const out = new CappedOutput(cap);
  const group: number[] = [];
  const flush = (count: number) => {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + (group[i] ?? 84);
    for (let i = 0; i < count - 1; i++) if (!out.push((value >>> (24 - 8 * i)) & 0xff)) return false;
    return true;
  };
  for (const c of data) {
    if (c === 0x7e) break; // '~'
    if (isSpace(c)) continue;
    if (c === 0x7a && group.length === 0) {
      // 'z': four zero bytes
      if (![0, 0, 0, 0].every((b) => out.push(b))) break;
      continue;
    }
    if (c < 0x21 || c > 0x75) continue;
    group.push(c - 0x21);
    if (group.length === 5) {
      if (!flush(5)) break;
      group.length = 0;
    }
  }
  if (group.length > 1 && !out.over) flush(group.length);
  return out.result();
}

function runLength(data: Buffer, cap: number): Decoded {
  const out = new CappedOutput(cap);
  let at = 0;
  while (at < data.length && !out.over) {
    const n = data[at++] ?? 128;
    if (n === 128) break;
    if (n < 128) {
      for (let i = 0; i <= n && at < data.length; i++) if (!out.push(data[at++] ?? 0)) break;
    } else {
      const byte = data[at++] ?? 0;
      for (let i = 0; i < 257 - n; i++) if (!out.push(byte)) break;
    }
  }
  return out.result();
}

/**
 * LZW as PDF uses it (ISO 32000-1, 7.4.4: 9 to 12-bit codes, 256 clears, 257 ends), step for step
 * as pdf.js decodes it, corrupt codes included, so that the output is as long as pdf.js's.
 */
function lzw(data: Buffer, cap: number, earlyChange: number): Decoded {
  const out = new CappedOutput(cap);
  const values = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  const previous = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    values[i] = i;
    lengths[i] = 1;
  }
  const sequence = new Uint8Array(4096);
  let length = 0;
  let nextCode = 258;
  let width = 9;
  let prevCode = 0;
  let bits = 0;
  let cached = 0;
  let at = 0;
  while (!out.over) {
    while (cached < width && at < data.length) {
      bits = ((bits << 8) | (data[at++] ?? 0)) & 0xffffff;
      cached += 8;
    }
    if (cached < width) break;
    cached -= width;
    const code = (bits >>> cached) & ((1 << width) - 1);
    const hasPrevious = length > 0;
    if (code < 256) {
      sequence[0] = code;
      length = 1;
    } else if (code >= 258) {
      if (code < nextCode) {
        length = lengths[code] ?? 0;
        for (let j = length - 1, q = code; j >= 0; j--) {
          sequence[j] = values[q] ?? 0;
          q = previous[q] ?? 0;
        }
      } else {
        sequence[length++] = sequence[0] ?? 0;
      }
    } else if (code === 256) {
      width = 9;
      nextCode = 258;
      length = 0;
      continue;
    } else {
      break;
    }
    if (hasPrevious) {
      previous[nextCode] = prevCode;
      lengths[nextCode] = (lengths[prevCode] ?? 0) + 1;
      values[nextCode] = sequence[0] ?? 0;
      nextCode++;
      const n = nextCode + earlyChange;
      if ((n & (n - 1)) === 0) width = Math.min(Math.log2(n) + 1, 12) | 0;
    }
    prevCode = code;
    for (let j = 0; j < length; j++) if (!out.push(sequence[j] ?? 0)) break;
  }
  return out.result();
}
