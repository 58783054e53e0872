import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain-error.ts';

/**
 * Reads a multipart/form-data request for the API routes, strictly: text fields first, then the
 * files (a text field after a file is MULTIPART_FIELDS_FIRST), every part accounted for. The
 * parser (busboy, under @fastify/multipart) silently skips some parts — a name or file name
 * holding a line break once decoded (`filename*=utf-8''a%0D%0Ab.pdf`), a part without a
 * form-data Content-Disposition — and takes a body that ends without its closing boundary, or a
 * client that goes away, as a normal end. So the raw body is watched as the parser reads it
 * (BoundaryTap): a part the parser did not hand over is refused (MULTIPART_PART_UNREADABLE), a
 * body that did not end with its closing boundary is UPLOAD_INCOMPLETE — also for the file being
 * received at that moment, which would otherwise wait forever.
 */
export type Fields = Record<string, string | string[]>;

/** Where the files of the request go, one at a time, as they stream in. */
export interface FileSink {
  receive(stream: Readable, fileName: string | undefined): Promise<void>;
}

export interface MultipartReadOptions {
  /** The form field of the files. */
  fileField: string;
  /** The text fields the route knows; any other is refused (VALIDATION_ERROR). */
  fieldNames: ReadonlySet<string>;
  /** Text fields the body wants as lists (a field given once becomes a one-item list). */
  lists: ReadonlySet<string>;
  files: FileSink;
  /** Runs once, at the first file, with every text field: checks before any file byte is read. */
  beforeFiles(fields: Readonly<Fields>): Promise<void>;
}

const invalid = (fields: string[]) =>
  new DomainError('VALIDATION_ERROR', 'Requête invalide : vérifiez les champs signalés.', { fields });

export const uploadIncomplete = () =>
  new DomainError(
    'UPLOAD_INCOMPLETE',
    "L'envoi a été interrompu avant la fin : rien n'a été enregistré. Réessayez.",
  );

const fieldsFirst = () =>
  new DomainError(
    'MULTIPART_FIELDS_FIRST',
    'Les champs du formulaire (pharmacie, objet, texte…) doivent être envoyés avant les fichiers.',
  );

/** The parser's own limits (parts, fields, files over @fastify/multipart's `limits`). */
const PARSER_LIMITS = new Set(['FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT', 'FST_FILES_LIMIT']);

export async function readMultipart(request: FastifyRequest, options: MultipartReadOptions): Promise<Fields> {
  const fields: Fields = {};
  const tap = new BoundaryTap(boundaryOf(request.headers['content-type']));
  let current: Readable | null = null;
  let filesStarted = false;
  let delivered = 0;
  // The parser is set up by the iterator's first step, synchronously: watch what it reads from then.
  const iterator = request.parts()[Symbol.asyncIterator]();
  let next = iterator.next();
  const raw = request.raw;
  const onData = (chunk: Buffer) => tap.write(chunk);
  const onEnd = () => {
    if (!tap.closed) current?.destroy(uploadIncomplete());
  };
  raw.on('data', onData);
  raw.once('end', onEnd);
  raw.once('close', onEnd);
  try {
    // A client gone before the route ran (slow hooks): its 'close' was missed by the parser too.
    if (raw.destroyed && !raw.readableEnded) throw uploadIncomplete();
    for (;;) {
      let step: Awaited<typeof next>;
      try {
        step = await next;
      } catch (error) {
        throw parserError(error);
      }
      if (step.done) break;
      const part = step.value;
      delivered += 1;
      if (part.type === 'file') {
        // An error the parser emits on the part before anyone reads it must not leave it hanging.
        part.file.once('error', (error) => part.file.destroy(error));
        if (part.fieldname !== options.fileField) {
          part.file.resume();
          throw invalid([`body.${part.fieldname}`]);
        }
        if (!filesStarted) {
          filesStarted = true;
          try {
            await options.beforeFiles(fields);
          } catch (error) {
            part.file.resume();
            throw orderHint(error);
          }
        }
        current = part.file;
        if (!tap.closed && raw.readableEnded) current.destroy(uploadIncomplete());
        await options.files.receive(part.file, part.filename);
        current = null;
      } else {
        if (filesStarted) throw fieldsFirst();
        if (!options.fieldNames.has(part.fieldname) || part.fieldnameTruncated || part.valueTruncated)
          throw invalid([`body.${part.fieldname}`]);
        const value = String(part.value);
        const previous = fields[part.fieldname];
        if (previous === undefined)
          fields[part.fieldname] = options.lists.has(part.fieldname) ? [value] : value;
        else fields[part.fieldname] = [...(Array.isArray(previous) ? previous : [previous]), value];
      }
      next = iterator.next();
    }
    if (!tap.closed) throw uploadIncomplete();
    if (tap.parts.length > delivered) throw unreadablePart(tap.parts);
    return fields;
  } catch (error) {
    // Once the body is complete, a DomainError is ours; before, the cut is what happened.
    if (!(error instanceof DomainError) && !tap.closed) throw uploadIncomplete();
    throw error;
  } finally {
    raw.off('data', onData);
    raw.off('end', onEnd);
    raw.off('close', onEnd);
  }
}

/** A field found missing at the first file may just come after it: say where fields belong. */
function orderHint(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.code !== 'VALIDATION_ERROR') return error;
  return new DomainError(
    'VALIDATION_ERROR',
    'Requête invalide : vérifiez les champs signalés (ils doivent précéder les fichiers).',
    error.details,
  );
}

function parserError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && PARSER_LIMITS.has(code)) {
    return new DomainError(
      'MULTIPART_TOO_MANY_PARTS',
      'Le formulaire comporte trop de champs ou de fichiers.',
    );
  }
  return error;
}

/** The part the parser skipped, named by what is wrong with its headers. */
function unreadablePart(headers: readonly string[]): DomainError {
  const lineBreak = headers.some((h) => /name\*?\s*=[^\r\n]*%0[ad]/i.test(h));
  return lineBreak
    ? new DomainError(
        'MULTIPART_PART_UNREADABLE',
        "Le nom d'un fichier (ou d'un champ) contient un retour à la ligne : renommez le fichier puis réessayez.",
        { reason: 'LINE_BREAK_IN_NAME' },
      )
    : new DomainError(
        'MULTIPART_PART_UNREADABLE',
        "Une partie du formulaire est illisible (en-tête Content-Disposition absent ou invalide) : l'envoi est refusé.",
        { reason: 'INVALID_DISPOSITION' },
      );
}

function boundaryOf(contentType: string | undefined): string {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match?.[1] ?? match?.[2] ?? '';
}

/** Most bytes of a part's headers kept to name a problem (the parser allows 80 KiB). */
const HEADER_KEEP = 4096;
/** Most bytes of a part's headers waited for (beyond, the parser fails anyway). */
const HEADER_MAX = 81 * 1024;

/**
 * Counts the parts of a multipart body from its delimiters (`\r\n--boundary`, the first one may
 * open the body), keeps each part's headers (the start), and sees the closing delimiter
 * (`--boundary--`), across chunk borders.
 */
export class BoundaryTap {
  readonly parts: string[] = [];
  closed = false;
  readonly #delimiter: Buffer;
  // The body as if preceded by CRLF, so that a delimiter opening it is found like the others.
  #carry = Buffer.from('\r\n');

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  write(chunk: Buffer): void {
    if (this.closed || this.#delimiter.length === 4) return;
    const buffer = Buffer.concat([this.#carry, chunk]);
    let from = 0;
    for (;;) {
      const at = buffer.indexOf(this.#delimiter, from);
      if (at < 0) {
        // Keep what could start a delimiter split by the chunk border.
        this.#carry = buffer.subarray(Math.max(from, buffer.length - this.#delimiter.length - 1));
        return;
      }
      const after = at + this.#delimiter.length;
      if (buffer.length < after + 2) {
        this.#carry = buffer.subarray(at);
        return;
      }
      if (buffer[after] === 0x2d && buffer[after + 1] === 0x2d) {
        this.closed = true;
        this.#carry = Buffer.alloc(0);
        return;
      }
      const end = buffer.indexOf('\r\n\r\n', after);
      if (end < 0) {
        // The headers are not all here yet: look again from this delimiter with the next chunk.
        this.#carry = buffer.length - at > HEADER_MAX ? Buffer.alloc(0) : buffer.subarray(at);
        return;
      }
      this.parts.push(buffer.subarray(after, Math.min(end, after + HEADER_KEEP)).toString('latin1'));
      from = end + 4;
    }
  }
}
