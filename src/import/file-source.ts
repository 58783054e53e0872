import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type Readable, Transform } from 'node:stream';

/**
 * A file opened for import: its byte stream, and as it is consumed, the bytes read so far (for
 * the progress bar) and its SHA-256 (recorded with the import run). Nothing flows until the
 * stream is read, so the caller may do async work before consuming it.
 */
export interface FileSource {
  stream: Readable;
  size: number;
  bytesRead(): number;
  sha256(): string;
  close(): void;
}

export function openFileSource(file: string): FileSource {
  const size = fs.statSync(file).size;
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  let read = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  input.on('error', (error) => stream.destroy(error));
  input.pipe(stream);
  return {
    stream,
    size,
    bytesRead: () => read,
    sha256: () => hash.copy().digest('hex'),
    close() {
      input.destroy();
      stream.destroy();
    },
  };
}
