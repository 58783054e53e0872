/**
 * The bounds of the mail parser (src/mail/parse.ts), the one place where they are set. A message
 * over a bound is refused with a stable `MAIL_*` code (src/mail/errors.ts), never cut silently —
 * except the text of a report part, which is only read up to `reportPartBytes`.
 */
export interface MailLimits {
  /** Bytes of a whole message, as received (Mon espace santé refuses more than 25 MB; MIME adds a third). */
  messageBytes: number;
  /** Bytes of the header block of one MIME part (the message's own included). */
  headerBytes: number;
  /** MIME parts in a message, multiparts included. */
  parts: number;
  /** Multiparts nested in one another (the message itself is depth 0). */
  depth: number;
  /** Characters of the decoded text (text/plain, or text/html turned into text). */
  textChars: number;
  /** Bytes of one line, line ending excluded (RFC 5322 §2.1.1 says 998; senders exceed it). */
  lineBytes: number;
  /** Bytes read of a delivery-status, disposition-notification or original-headers part. */
  reportPartBytes: number;
}

export const DEFAULT_MAIL_LIMITS: Readonly<MailLimits> = Object.freeze({
  messageBytes: 36 * 1024 * 1024,
  headerBytes: 64 * 1024,
  parts: 100,
  depth: 8,
  textChars: 100_000,
  lineBytes: 8 * 1024,
  reportPartBytes: 64 * 1024,
});
