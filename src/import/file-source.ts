import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * A file opened for import: its byte stream, and as it is consumed, the bytes read so far (for
 * the progress bar) and its SHA-256 (recorded with the import run).
 */
export interface FileSource {
  stream: Readable;
  size: number;
  bytesRead(): number;
  sha256(): string;
}

export function openFileSource(file: string): FileSource {
  const size = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  let read = 0;
  stream.on('data', (chunk) => {
    read += chunk.length;
    hash.update(chunk);
  });
  return { stream, size, bytesRead: () => read, sha256: () => hash.copy().digest('hex') };
}
