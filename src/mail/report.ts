import type { Readable } from 'node:stream';
import MimeNode from 'nodemailer/lib/mime-node';
import { mailError } from './errors.ts';
import type { MailHeaders } from './headers.ts';
import { bareMessageId } from './mss-headers.ts';
import type { ParsedMail } from './parse.ts';
import { boundaryBase, crlf, formatAddress, type MailAddress, mailDate } from './render.ts';

/**
 * `multipart/report` (RFC 6522), the envelope of DSNs (RFC 3464) and MDNs (RFC 8098): a
 * human-readable text/plain part, the machine-readable fields (`message/delivery-status` or
 * `message/disposition-notification`), then the original's headers (`text/rfc822-headers`).
 * Built deterministically, like `renderMail`; read back from `ParsedMail.report`.
 */
export type ReportType = 'delivery-status' | 'disposition-notification';

/** Who a report is from and to, and its own date and Message-ID. */
export interface ReportEnvelope {
  from: MailAddress;
  to: MailAddress;
  date: Date | string;
  messageId: string;
}

export interface ReportInput extends ReportEnvelope {
  reportType: ReportType;
  subject: string;
  /** Human-readable part: no health data (no subject, no text of the original). */
  human: string;
  /** Field groups, each a list of `[name, value]`, written one group per paragraph. */
  fields: ReadonlyArray<ReadonlyArray<readonly [string, string]>>;
  /** The original's header block, or null to leave the third part out. */
  originalHeaders: string | null;
}

export function renderReport(input: ReportInput): Readable {
  const fields = formatFieldGroups(input.fields);
  const root = new MimeNode(`multipart/report; report-type=${input.reportType}`, {
    baseBoundary: boundaryBase(input.messageId, `${input.human}\0${fields}`),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  root.setHeader('From', formatAddress(input.from));
  root.setHeader('To', formatAddress(input.to));
  root.setHeader('Subject', input.subject);
  root.setHeader('Date', mailDate(input.date));
  root.setHeader('Message-ID', `<${bareMessageId(input.messageId)}>`);
  // RFC 3834: an automatic answer, never to be answered automatically.
  root.setHeader('Auto-Submitted', 'auto-replied');
  root.setHeader('MIME-Version', '1.0');
  root.createChild('text/plain; charset=utf-8').setContent(crlf(input.human));
  root.createChild(`message/${input.reportType}`).setContent(fields);
  if (input.originalHeaders !== null)
    root.createChild('text/rfc822-headers').setContent(`${crlf(input.originalHeaders.trimEnd())}\r\n`);
  return root.createReadStream();
}

/** Field groups as RFC 3464 / 8098 write them: `Name: value` lines, a blank line between groups. */
export function formatFieldGroups(groups: ReadonlyArray<ReadonlyArray<readonly [string, string]>>): string {
  return `${groups.map((group) => group.map(([name, value]) => `${name}: ${ascii(value)}\r\n`).join('')).join('\r\n')}`;
}

/** Printable ASCII on one line: report fields are 7-bit. */
function ascii(value: string): string {
  return value.replace(/[^\x20-\x7e]+/g, ' ').trim();
}

/** A group of fields, names in lower case; a repeated name keeps its first value. */
export type FieldGroup = ReadonlyMap<string, string>;

/** The field groups of a delivery-status or disposition-notification part. */
export function parseFieldGroups(text: string): FieldGroup[] {
  const groups: FieldGroup[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const group = new Map<string, string>();
    for (const line of block.replace(/\n(?=[ \t])/g, '').split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!group.has(name)) group.set(name, line.slice(colon + 1).trim());
    }
    if (group.size > 0) groups.push(group);
  }
  return groups;
}

/** `rfc822; a@b.fr` → `a@b.fr` (the address type is dropped). */
export function typedValue(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(semicolon + 1)).trim() || null;
}

/** The report parts of a parsed message of that report type, else `MAIL_NOT_A_REPORT`. */
export function reportOf(
  parsed: ParsedMail,
  type: ReportType,
): { headers: MailHeaders; groups: FieldGroup[]; originalHeaders: string | null } {
  const fields = parsed.report?.fields;
  if (parsed.headers.contentType !== 'multipart/report' || parsed.headers.reportType !== type || !fields)
    throw mailError('MAIL_NOT_A_REPORT');
  return {
    headers: parsed.headers,
    groups: parseFieldGroups(fields),
    originalHeaders: parsed.report?.originalHeaders ?? null,
  };
}
