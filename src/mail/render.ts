import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import MimeNode from 'nodemailer/lib/mime-node';
import { bareMessageId, X_MSS_MES, X_MSS_MES_FIN, X_MSS_NIL } from './mss-headers.ts';

/**
 * A message as RFC 5322 MIME (the wire format of design note §2 `mail/`), built with nodemailer's
 * MimeNode and streamed: attachments are opened one at a time, when the output reaches them.
 *
 * Deterministic: the same input gives the same bytes — the Date comes from the stored time, the
 * MIME boundaries from a hash of the Message-ID and the text (a text cannot hold the hash of
 * itself, so it cannot forge a boundary), and nothing random is drawn. IMAP can serve
 * RFC822.SIZE and partial fetches from it; `renderedSize` gives the size without opening the
 * attachments when their sizes are known.
 *
 * Shape: `text/plain; charset=utf-8` alone, or `multipart/mixed` holding the text then each
 * attachment (base64, `Content-Disposition: attachment` with an RFC 2231 file name).
 */
export interface MailAddress {
  address: string;
  /** Display name; non-ASCII names are RFC 2047 encoded. */
  name?: string | null;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  /** Bytes, when known: lets `renderedSize` answer without opening the attachment. */
  size?: number;
  /** Called once, when the output reaches this attachment. */
  open(): Readable;
}

export interface RenderInput {
  from: MailAddress;
  to: readonly MailAddress[];
  cc?: readonly MailAddress[];
  subject: string;
  /** The stored time of the message. */
  date: Date | string;
  /** `<left@right>`. */
  messageId: string;
  inReplyTo?: string | null;
  references?: readonly string[];
  text: string;
  attachments?: readonly MailAttachment[];
  /** `X-MSS-NIL`: the sending software's reference, on every message. */
  nil: string;
  /** `X-MSS-MES: FIN`: the message closes the conversation. */
  fin?: boolean;
  /** Ask for a read receipt (RFC 8098). */
  dispositionNotificationTo?: MailAddress | null;
}

/** The message, as a stream of bytes (CRLF line endings). */
export function renderMail(input: RenderInput): Readable {
  return build(input, (a) => lazyReadable(() => a.open())).createReadStream();
}

/**
 * The number of bytes `renderMail` gives for this input. Attachments with a `size` are not
 * opened: the message is rendered with them empty and the base64 length of their size is added.
 * An attachment without a size is opened and counted.
 */
export async function renderedSize(input: RenderInput): Promise<number> {
  const empty = Buffer.alloc(0);
  const known = (a: MailAttachment) => a.size !== undefined;
  let bytes = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const node = build(input, (a) => (known(a) ? empty : lazyReadable(() => a.open())));
  await pipeline(node.createReadStream(), counter);
  for (const a of input.attachments ?? [])
    if (a.size !== undefined) bytes += base64Length(a.size) - base64Length(0);
  return bytes;
}

/** Bytes of `size` bytes in base64 as MimeNode writes it: 76-character lines joined by CRLF. */
export function base64Length(size: number): number {
  const chars = 4 * Math.ceil(size / 3);
  return chars + 2 * Math.max(0, Math.ceil(chars / 76) - 1);
}

/** The display form of an address, for headers built by hand (DSN, MDN). */
export function formatAddress(a: MailAddress): { name: string; address: string } {
  return { name: a.name ?? '', address: a.address };
}

/** RFC 5322 date-time of an instant, in UTC: `Sun, 15 Mar 2026 09:00:00 +0000`. */
export function mailDate(date: Date | string): string {
  const d = typeof date === 'string' ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) throw new RangeError('mailDate: invalid date');
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** A boundary base no content of the message can contain: a hash of its id and its text. */
export function boundaryBase(messageId: string, text: string): string {
  return createHash('sha256').update(messageId).update('\0').update(text).digest('hex').slice(0, 24);
}

/** Text with CRLF line endings, as the wire wants it. */
export function crlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

function build(input: RenderInput, content: (a: MailAttachment) => Readable | Buffer): MimeNode {
  const attachments = input.attachments ?? [];
  const options = {
    baseBoundary: boundaryBase(input.messageId, input.text),
    disableFileAccess: true,
    disableUrlAccess: true,
    // `X-MSS-NIL` as the rule books spell it (MimeNode would write `X-Mss-Nil`).
    normalizeHeaderKey: (key: string) => (/^x-mss-/i.test(key) ? key.toUpperCase() : key),
  };
  const root = new MimeNode(attachments.length > 0 ? 'multipart/mixed' : 'text/plain', options);
  root.setHeader('From', formatAddress(input.from));
  root.setHeader('To', input.to.map(formatAddress));
  if (input.cc && input.cc.length > 0) root.setHeader('Cc', input.cc.map(formatAddress));
  root.setHeader('Subject', input.subject);
  root.setHeader('Date', mailDate(input.date));
  root.setHeader('Message-ID', `<${bareMessageId(input.messageId)}>`);
  if (input.inReplyTo) root.setHeader('In-Reply-To', `<${bareMessageId(input.inReplyTo)}>`);
  if (input.references && input.references.length > 0)
    root.setHeader('References', input.references.map((id) => `<${bareMessageId(id)}>`).join(' '));
  root.setHeader('MIME-Version', '1.0');
  root.setHeader(X_MSS_NIL, input.nil);
  if (input.fin) root.setHeader(X_MSS_MES, X_MSS_MES_FIN);
  if (input.dispositionNotificationTo)
    root.setHeader(
      'Disposition-Notification-To',
      // Not an address header to MimeNode: encoded here as a To would be.
      MimeNode.encodeHeaderValue('To', formatAddress(input.dispositionNotificationTo)),
    );
  const text = crlf(input.text);
  if (attachments.length === 0) {
    root.setHeader('Content-Type', 'text/plain; charset=utf-8');
    root.setContent(text);
    return root;
  }
  root.createChild('text/plain; charset=utf-8').setContent(text);
  for (const a of attachments) {
    const child = root.createChild(a.contentType, { filename: a.filename });
    child.setHeader('Content-Transfer-Encoding', 'base64');
    child.setContent(content(a));
  }
  return root;
}

/** A stream that calls `open` on its first read, so that attachments are opened in turn. */
function lazyReadable(open: () => Readable): Readable {
  let source: Readable | null = null;
  const out: Readable = new Readable({
    read() {
      if (source) {
        source.resume();
        return;
      }
      source = open();
      source.on('data', (chunk: Buffer) => {
        if (!out.push(chunk)) source?.pause();
      });
      source.once('end', () => out.push(null));
      source.once('error', (error) => out.destroy(error));
    },
    destroy(error, done) {
      source?.destroy();
      done(error);
    },
  });
  return out;
}
