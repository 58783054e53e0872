import type { Headers } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { messageIdList, normaliseMessageId, X_MSS_MES, X_MSS_NIL } from './mss-headers.ts';

/**
 * The header fields of an incoming message that Officine MSS reads, decoded: RFC 2047 words in
 * the subject and display names, Message-IDs in normal form (`<left@right>`), the date as ISO
 * 8601 UTC. A field that is absent is null (or an empty list).
 */
export interface MailAddressField {
  address: string;
  name: string;
}

export interface MailHeaders {
  from: MailAddressField[];
  to: MailAddressField[];
  cc: MailAddressField[];
  replyTo: MailAddressField[];
  subject: string | null;
  /** ISO 8601 UTC; null when absent or unreadable. */
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** `X-MSS-NIL`: the sending software's reference. */
  nil: string | null;
  /** `X-MSS-MES` (`FIN` closes the conversation). */
  mssMes: string | null;
  dispositionNotificationTo: MailAddressField[];
  /** `Auto-Submitted` (RFC 3834), lower case: `auto-replied`, `auto-generated`, `no`. */
  autoSubmitted: string | null;
  /** The message's Content-Type, lower case, without parameters. */
  contentType: string;
  /** `report-type` of a `multipart/report`, lower case. */
  reportType: string | null;
}

export function readHeaders(headers: Headers): MailHeaders {
  const raw = (key: string) => rawValue(headers, key);
  const text = (key: string) => {
    const value = raw(key);
    return value === null ? null : decodedText(value);
  };
  const contentType = libmime.parseHeaderValue(raw('content-type') ?? 'text/plain');
  const references = messageIdList(raw('references'));
  const date = raw('date');
  const parsedDate = date === null ? Number.NaN : Date.parse(date);
  return {
    from: addresses(raw('from')),
    to: addresses(raw('to')),
    cc: addresses(raw('cc')),
    replyTo: addresses(raw('reply-to')),
    subject: text('subject'),
    date: Number.isNaN(parsedDate) ? null : new Date(parsedDate).toISOString(),
    messageId: normaliseMessageId(raw('message-id')),
    inReplyTo: normaliseMessageId(raw('in-reply-to')),
    references,
    nil: text(X_MSS_NIL),
    mssMes: text(X_MSS_MES),
    dispositionNotificationTo: addresses(raw('disposition-notification-to')),
    autoSubmitted: raw('auto-submitted')?.split(';')[0]?.trim().toLowerCase() ?? null,
    contentType: (contentType.value || 'text/plain').toLowerCase(),
    reportType: contentType.params['report-type']?.toLowerCase() ?? null,
  };
}

/**
 * RFC 2047 words decoded, on one line: a control character an encoded word hid (`=0D=0A`) becomes
 * a space, so that no decoded value can carry a line break into a header or a log line.
 */
export function decodedText(value: string): string {
  return oneLine(libmime.decodeWords(value));
}

export function oneLine(value: string): string {
  return value.replace(/\p{Cc}+/gu, ' ').trim();
}

/** The first field of that name, unfolded, undecoded; null when absent. */
export function rawValue(headers: Headers, key: string): string | null {
  const line = headers.get(key.toLowerCase())[0];
  if (line === undefined) return null;
  const colon = line.indexOf(':');
  return line
    .slice(colon + 1)
    .replace(/\r?\n(?=[ \t])/g, '')
    .trim();
}

/** Mailboxes of an address field, groups flattened, display names decoded. */
export function addresses(value: string | null): MailAddressField[] {
  if (value === null) return [];
  return addressparser(value, { flatten: true })
    .filter((a) => a.address !== '')
    .map((a) => ({ address: a.address, name: decodedText(a.name) }));
}
