import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type MimeNode, Splitter, type SplitterChunk } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import { decode as decodeBytes } from 'libmime/lib/charset';
import { DomainError } from '../domain-error.ts';
import { mailError } from './errors.ts';
import { type MailHeaders, oneLine, readHeaders } from './headers.ts';
import { htmlToText } from './html-text.ts';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from './limits.ts';
import { wireGuard } from './wire-guard.ts';

/**
 * An incoming message, parsed as it streams (mailsplit): the headers, the text, the report parts
 * of a DSN or MDN, and each attachment handed to the caller's sink as a stream, decoded from its
 * transfer encoding, while the message is still being read — nothing holds a whole attachment.
 *
 * - The text: the inline text/plain parts (charset decoded, format=flowed undone, CRLF → LF),
 *   or, when there is none, the first inline text/html turned into plain text (html-text.ts).
 * - Attachments: every other leaf part — including a forwarded `message/rfc822`, which is
 *   handed over whole as one attachment (the attachment pipeline decides on it like on any file,
 *   by its bytes), and `IHE_XDM.ZIP`, which is just a file here.
 * - Report parts (children of a `multipart/report`): the `message/delivery-status` or
 *   `message/disposition-notification` fields and the original's headers (`text/rfc822-headers`,
 *   or the head of a `message/rfc822`), read up to `reportPartBytes`: see dsn.ts and mdn.ts.
 * - Bounds (limits.ts) are refused with `MAIL_*` codes (errors.ts).
 */
export interface IncomingAttachment {
  /** Decoded file name (RFC 2047 / 2231), as the sender gave it; null when none. */
  filename: string | null;
  /** The declared type, lower case; never trusted for what the bytes are. */
  contentType: string;
  /** IMAP-style part number: `2`, `1.2`. */
  part: string;
}

/** Receives one attachment; the parse waits for the promise before reading further parts. */
export type AttachmentSink = (attachment: IncomingAttachment, content: Readable) => Promise<void>;

export interface ParsedMail {
  headers: MailHeaders;
  text: string;
  /** The text came from a text/html part. */
  textFromHtml: boolean;
  /** The attachments met, in order, with their decoded size. */
  attachments: Array<IncomingAttachment & { size: number }>;
  /** The parts of a `multipart/report` (DSN, MDN), raw; null for any other message. */
  report: { fields: string | null; originalHeaders: string | null } | null;
}

export interface ParseOptions {
  /** Without a sink, attachments are decoded, counted and dropped. */
  onAttachment?: AttachmentSink;
  limits?: Partial<MailLimits>;
}

type Role = 'text' | 'html' | 'attachment' | 'report-fields' | 'report-headers' | 'skip';

export async function parseMail(input: Readable, options: ParseOptions = {}): Promise<ParsedMail> {
  const limits = { ...DEFAULT_MAIL_LIMITS, ...options.limits };
  const splitter = new Splitter({
    ignoreEmbedded: true,
    maxHeadSize: limits.headerBytes,
    // Counted below with a stable code; this is mailsplit's own backstop.
    maxChildNodes: limits.parts + 1,
  });
  const state = new ParseState(limits, options.onAttachment);
  try {
    await pipeline(input, wireGuard(limits), splitter, async (source: AsyncIterable<SplitterChunk>) => {
      for await (const chunk of source) await state.take(chunk);
      await state.finishPart();
    });
  } catch (error) {
    state.abort(error);
    throw translate(error, limits);
  }
  return state.result();
}

function translate(error: unknown, limits: MailLimits): unknown {
  if (error instanceof DomainError) return error;
  const e = error as { code?: string; message?: string };
  if (e.code === 'EMAXLEN') {
    return /header/i.test(e.message ?? '')
      ? mailError('MAIL_HEADER_TOO_LARGE', { maxBytes: limits.headerBytes })
      : mailError('MAIL_TOO_MANY_PARTS', { maxParts: limits.parts });
  }
  return error;
}

/** One leaf part being read. */
interface OpenPart {
  role: Role;
  node: MimeNode;
  decoder: Transform;
  /** text, html, report parts: the decoded bytes, bounded. */
  bytes?: Buffer[];
  length: number;
  /** attachment: the sink's promise. */
  sink?: Promise<void>;
  /** attachment: the stream the sink reads. */
  output?: Transform;
  /** A bound crossed while decoding: thrown at the next write or at the end of the part. */
  error?: Error;
}

class ParseState {
  private headers: MailHeaders | null = null;
  private parts = 0;
  private open: OpenPart | null = null;
  private texts: string[] = [];
  private textChars = 0;
  private html: string | null = null;
  private htmlTooLong = false;
  private readonly attachments: Array<IncomingAttachment & { size: number }> = [];
  private report: { fields: string | null; originalHeaders: string | null } | null = null;

  constructor(
    private readonly limits: MailLimits,
    private readonly sink: AttachmentSink | undefined,
  ) {}

  async take(chunk: SplitterChunk): Promise<void> {
    if (chunk.type === 'node') {
      await this.finishPart();
      this.startNode(chunk);
      return;
    }
    if (chunk.type === 'body' && this.open) await this.write(this.open, chunk.value);
  }

  private startNode(node: MimeNode): void {
    this.parts += 1;
    if (this.parts > this.limits.parts)
      throw mailError('MAIL_TOO_MANY_PARTS', { maxParts: this.limits.parts });
    let depth = 0;
    for (let p = node.parentNode; p; p = p.parentNode) depth += 1;
    if (depth > this.limits.depth) throw mailError('MAIL_TOO_DEEP', { maxDepth: this.limits.depth });
    if (node.root) {
      // No header field at all (empty input, a line of garbage): not a message.
      const fields = node.headers ? node.headers.getList() : [];
      if (!node.headers || !fields.some((h) => /^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(h.line)))
        throw mailError('MAIL_MALFORMED');
      this.headers = readHeaders(node.headers);
      if (node.multipart === 'report') this.report = { fields: null, originalHeaders: null };
    }
    if (node.multipart) return;
    const role = this.roleOf(node);
    const decoder = node.getDecoder() as Transform;
    const part: OpenPart = { role, node, decoder, length: 0 };
    if (role === 'attachment') {
      const attachment = {
        filename: node.filename ? oneLine(node.filename) : null,
        contentType: (node.contentType || 'application/octet-stream').toLowerCase(),
        part: partNumber(node),
        size: 0,
      };
      this.attachments.push(attachment);
      const counted = decoder.pipe(
        new Transform({
          transform(data: Buffer, _encoding, done: TransformCallback) {
            attachment.size += data.length;
            done(null, data);
          },
        }),
      );
      part.output = counted;
      // Its errors are for the sink to see (abort below); none may go unhandled if it stopped reading.
      counted.on('error', () => {});
      if (this.sink) {
        const { size: _size, ...info } = attachment;
        part.sink = Promise.resolve()
          .then(() => (this.sink as AttachmentSink)(info, counted))
          .finally(() => {
            // A sink that stopped reading early: the rest of the part is dropped.
            counted.resume();
          });
        // Observed here so that a sink failing early is not an unhandled rejection.
        part.sink.catch(() => {});
      } else counted.resume();
    } else if (role !== 'skip') {
      part.bytes = [];
      decoder.on('data', (data: Buffer) => this.collect(part, data));
    } else decoder.resume();
    this.open = part;
  }

  private roleOf(node: MimeNode): Role {
    const type = (node.contentType || 'text/plain').toLowerCase();
    const parent = node.parentNode;
    if (parent && parent.multipart === 'report') {
      if (/^message\/(global-)?(delivery-status|disposition-notification)$/.test(type))
        return 'report-fields';
      if (type === 'text/rfc822-headers' || type === 'message/rfc822' || type === 'message/global-headers')
        return 'report-headers';
    }
    const inline = node.disposition !== 'attachment' && !(node.filename && node.disposition !== 'inline');
    if (inline && type === 'text/plain') return 'text';
    // HTML is only the fallback of a message without text/plain: not read once there is one.
    if (inline && type === 'text/html')
      return this.texts.length === 0 && this.html === null && !this.htmlTooLong ? 'html' : 'skip';
    return 'attachment';
  }

  /** Bytes a collected part may hold before it is refused (text) or no longer read (others). */
  private capOf(role: Role): number {
    if (role === 'report-fields' || role === 'report-headers') return this.limits.reportPartBytes;
    // UTF-8 needs at most 4 bytes a character; HTML markup gets ten times the text's room.
    return role === 'html' ? this.limits.textChars * 40 : this.limits.textChars * 4;
  }

  private collect(part: OpenPart, data: Buffer): void {
    if (part.error) return;
    const room = this.capOf(part.role) - part.length;
    if (data.length > room) {
      if (part.role === 'text') {
        part.error = mailError('MAIL_TEXT_TOO_LONG', { maxChars: this.limits.textChars });
        return;
      }
      if (part.role === 'html') this.htmlTooLong = true;
      data = data.subarray(0, Math.max(0, room));
    }
    part.length += data.length;
    if (data.length > 0) part.bytes?.push(data);
  }

  private async write(part: OpenPart, data: Buffer): Promise<void> {
    throwIfFailed(part);
    if (part.decoder.destroyed) return;
    if (part.decoder.write(data)) return;
    if (part.sink) {
      await Promise.race([waitDrain(part.decoder), part.sink.then(() => {})]);
    } else await waitDrain(part.decoder);
    throwIfFailed(part);
  }

  async finishPart(): Promise<void> {
    const part = this.open;
    if (!part) return;
    this.open = null;
    throwIfFailed(part);
    if (part.role === 'attachment') {
      part.decoder.end();
      if (part.sink) await part.sink;
    } else {
      const ended = new Promise<void>((resolve, reject) => {
        part.decoder.once('end', resolve);
        part.decoder.once('error', reject);
        part.decoder.once('close', resolve);
      });
      part.decoder.end();
      await ended;
    }
    throwIfFailed(part);
    this.settle(part);
  }

  private settle(part: OpenPart): void {
    if (!part.bytes) return;
    const raw = Buffer.concat(part.bytes);
    switch (part.role) {
      case 'text': {
        let text = decodeCharset(raw, part.node.charset);
        if (part.node.flowed) text = libmime.decodeFlowed(text, part.node.delSp);
        this.addText(normaliseText(text));
        break;
      }
      case 'html':
        if (!this.htmlTooLong) this.html = decodeCharset(raw, part.node.charset);
        break;
      case 'report-fields':
        if (this.report) this.report.fields = decodeCharset(raw, 'utf-8');
        break;
      case 'report-headers':
        if (this.report) this.report.originalHeaders = headBlock(decodeCharset(raw, 'utf-8'));
        break;
    }
  }

  private addText(text: string): void {
    this.textChars += text.length;
    if (this.textChars > this.limits.textChars)
      throw mailError('MAIL_TEXT_TOO_LONG', { maxChars: this.limits.textChars });
    this.texts.push(text);
  }

  abort(error: unknown): void {
    const part = this.open;
    this.open = null;
    if (!part) return;
    part.decoder.destroy();
    // The sink reading an attachment learns that it will not get the rest.
    part.output?.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  result(): ParsedMail {
    if (!this.headers) throw mailError('MAIL_MALFORMED');
    let textFromHtml = false;
    if (this.texts.length === 0 && (this.html !== null || this.htmlTooLong)) {
      if (this.htmlTooLong || this.html === null)
        throw mailError('MAIL_TEXT_TOO_LONG', { maxChars: this.limits.textChars });
      this.addText(htmlToText(this.html));
      textFromHtml = true;
    }
    return {
      headers: this.headers,
      text: this.texts.join('\n\n'),
      textFromHtml,
      attachments: this.attachments,
      report: this.report,
    };
  }
}

function waitDrain(stream: Transform): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

function throwIfFailed(part: OpenPart): void {
  const error = part.error ?? part.decoder.errored;
  if (error) throw error;
}

/** Bytes in a declared charset to a string; unknown charsets are read as UTF-8 (libmime). */
export function decodeCharset(bytes: Buffer, charset: string | false | null | undefined): string {
  return decodeBytes(bytes, charset || 'utf-8');
}

/** LF line endings, no trailing line break, no NUL or other C0 controls but tab. */
function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/(?![\t\n])\p{Cc}/gu, '')
    .replace(/\n+$/, '');
}

/** The header block at the start of a text: up to the first empty line. */
function headBlock(text: string): string {
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

/** IMAP part number; the body of a single-part message is `1`. */
function partNumber(node: MimeNode): string {
  const nr = (node.partNr || []).filter((n) => n !== 'TEXT');
  return nr.length > 0 ? nr.join('.') : '1';
}
