import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attachmentError } from './errors.ts';
import type { AttachmentLimits } from './limits.ts';

/**
 * Step one of the pipeline (design note §3.4): the bytes stream to a private temp file under a
 * size cap enforced while streaming, and their SHA-256 is computed on the way. Nothing looks at
 * the content here; the name and Content-Type the client sent are not even seen.
 */
export interface ReceivedUpload {
  /** The temp file (mode 0600) under `DATA_DIR/tmp`; the caller removes it with `discard()`. */
  path: string;
  size: number;
  /** SHA-256 of the bytes received, hex. */
  sha256: string;
  discard(): Promise<void>;
}

export interface ReceiveOptions {
  /** Folder of temp files (created 0700 if missing), normally `DATA_DIR/tmp`. */
  tmpDir: string;
  /** The cap: one byte more and the upload is aborted. */
  maxBytes: number;
  /** Which limit the cap comes from, for the error's details and message. */
  scope?: 'file' | 'message';
}

/**
 * Streams `source` to a new temp file. Over `maxBytes`, the stream is aborted (the source is
 * destroyed, as `stream.pipeline` does on error), the partial file is deleted, and
 * `ATTACHMENT_TOO_LARGE` is thrown. Any other failure also deletes the file.
 */
export async function receiveUpload(source: Readable, options: ReceiveOptions): Promise<ReceivedUpload> {
  const { tmpDir, maxBytes, scope = 'file' } = options;
  // A source already given up (a request cut short while its file waited): `stream.pipeline`
  // would wait forever on one whose parser also emitted 'error' on it after destroying it.
  if (source.destroyed) throw source.errored ?? new Error('upload source closed before it was read');
  await fs.promises.mkdir(tmpDir, { recursive: true, mode: 0o700 });
  const file = path.join(tmpDir, `upload-${randomUUID()}.part`);
  const meter = new SizeCapHash(maxBytes);
  // Opened before streaming (not lazily by createWriteStream), so that an early abort cannot
  // create the file after the clean-up below has run.
  const handle = await fs.promises.open(file, 'wx', 0o600);
  try {
    await pipeline(source, meter, handle.createWriteStream());
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    if (meter.overflowed) {
      throw attachmentError(
        'ATTACHMENT_TOO_LARGE',
        { limitBytes: maxBytes, scope },
        scope === 'file'
          ? `Le fichier dépasse la taille autorisée (${formatSize(maxBytes)} par fichier).`
          : `Les pièces jointes dépassent la taille autorisée (${formatSize(maxBytes)} restants pour ce message).`,
      );
    }
    throw error;
  }
  return {
    path: file,
    size: meter.size,
    sha256: meter.digest,
    discard: () => fs.promises.rm(file, { force: true }),
  };
}

/**
 * Removes upload temp files older than `maxAgeMs` (left behind by a crash between receiving and
 * discarding). For a start-up or periodic sweep; only this module's `upload-*.part` names are touched.
 */
export async function removeStaleUploads(
  tmpDir: string,
  maxAgeMs: number,
  now = Date.now(),
): Promise<number> {
  let names: string[];
  try {
    names = await fs.promises.readdir(tmpDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names.filter((n) => /^upload-[0-9a-f-]{36}\.part$/.test(n))) {
    const file = path.join(tmpDir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > maxAgeMs) {
      await fs.promises.rm(file, { force: true });
      removed += 1;
    }
  }
  return removed;
}

class SizeCapHash extends Transform {
  size = 0;
  overflowed = false;
  digest = '';
  readonly #hash = createHash('sha256');

  constructor(readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.overflowed = true;
      callback(new Error('upload over its size cap'));
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digest = this.#hash.digest('hex');
    callback();
  }
}

/**
 * The per-message budget: 1 to `maxFiles` files, `maxMessageBytes` in all. Each file's cap is
 * the smaller of the per-file limit and what is left of the message's.
 */
export class MessageUploadBudget {
  #files = 0;
  #bytes = 0;

  constructor(
    readonly limits: Pick<AttachmentLimits, 'maxFileBytes' | 'maxMessageBytes' | 'minFiles' | 'maxFiles'>,
  ) {}

  /** Call before receiving each file: refuses the one too many, and gives its cap. */
  next(): Pick<ReceiveOptions, 'maxBytes' | 'scope'> {
    if (this.#files >= this.limits.maxFiles) throw this.#countError();
    this.#files += 1;
    const left = this.limits.maxMessageBytes - this.#bytes;
    return left < this.limits.maxFileBytes
      ? { maxBytes: left, scope: 'message' }
      : { maxBytes: this.limits.maxFileBytes, scope: 'file' };
  }

  /** Call with each received file's size. */
  add(size: number): void {
    this.#bytes += size;
  }

  /** Call once all files are in: refuses a message with too few. */
  finish(): void {
    if (this.#files < this.limits.minFiles) throw this.#countError();
  }

  #countError() {
    const { minFiles: min, maxFiles: max } = this.limits;
    return attachmentError(
      'ATTACHMENT_COUNT',
      { min, max },
      `Un message doit comporter entre ${min} et ${max} pièces jointes.`,
    );
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} Ko`;
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1).replace('.', ',')} Mo`;
}
