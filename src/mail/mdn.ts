import type { Readable } from 'node:stream';
import { originalMessageIdOf } from './dsn.ts';
import type { MailHeaders } from './headers.ts';
import { normaliseMessageId } from './mss-headers.ts';
import type { ParsedMail } from './parse.ts';
import { type ReportEnvelope, renderReport, reportOf, typedValue } from './report.ts';

/**
 * Message disposition notifications (RFC 8098): the read receipt a pharmacy sends when it has
 * displayed a message whose sender asked for one (`Disposition-Notification-To`), and the
 * reading of the ones other operators send. Like DSNs, the human part names no subject or text.
 */
/**
 * `from`: the mailbox that displayed the message (the pharmacy's ORG address); `to`: the
 * address of the original's `Disposition-Notification-To`.
 */
export interface MdnInput extends ReportEnvelope {
  /** Our host name and product: `Reporting-UA: <host>; Officine MSS`. */
  reportingUa: string;
  original: {
    messageId: string;
    /** The recipient as the original named it, when it differs from `from`. */
    originalRecipient?: string | null;
    /** The original's header block, or null to leave it out. */
    headers: string | null;
  };
}

/**
 * The address a read receipt goes to, when the message asked for one and may get one: not for
 * an automatic message (RFC 3834), and only one address (RFC 8098 §2.1: several are suspect).
 */
export function receiptRecipient(headers: MailHeaders): string | null {
  if (headers.autoSubmitted !== null && headers.autoSubmitted !== 'no') return null;
  const to = headers.dispositionNotificationTo;
  return to.length === 1 ? (to[0]?.address ?? null) : null;
}

export function renderMdn(input: MdnInput): Readable {
  const fields: Array<[string, string]> = [['Reporting-UA', input.reportingUa]];
  if (input.original.originalRecipient)
    fields.push(['Original-Recipient', `rfc822; ${input.original.originalRecipient}`]);
  fields.push(
    ['Final-Recipient', `rfc822; ${input.from.address}`],
    ['Original-Message-ID', input.original.messageId],
    // Sent by the software on its own when a member of the team opened the message.
    ['Disposition', 'manual-action/MDN-sent-automatically; displayed'],
  );
  const id = input.original.messageId;
  const human = [
    `Votre message ${id} a été affiché dans la boîte ${input.from.address}.`,
    'Cet avis ne garantit pas que le message a été lu ou compris.',
    '',
    '---',
    '',
    `Your message ${id} has been displayed in the mailbox ${input.from.address}.`,
    'This notice does not guarantee that the message has been read or understood.',
    '',
  ].join('\n');
  return renderReport({
    reportType: 'disposition-notification',
    from: input.from,
    to: input.to,
    subject: 'Accusé de lecture / Read receipt',
    date: input.date,
    messageId: input.messageId,
    human,
    fields: [fields],
    originalHeaders: input.original.headers,
  });
}

export interface MdnReport {
  originalMessageId: string | null;
  finalRecipient: string | null;
  originalRecipient: string | null;
  reportingUa: string | null;
  /** `manual-action/MDN-sent-automatically`: who acted, how the MDN was sent. */
  actionMode: string | null;
  /** `displayed`, `deleted`, `dispatched`, `processed`, lower case. */
  disposition: string | null;
}

/** Reads a parsed `multipart/report; report-type=disposition-notification`; else `MAIL_NOT_A_REPORT`. */
export function readMdn(parsed: ParsedMail): MdnReport {
  const { groups, originalHeaders } = reportOf(parsed, 'disposition-notification');
  const fields = groups[0] ?? new Map<string, string>();
  const disposition = fields.get('disposition') ?? '';
  const [mode, type] = disposition.split(';').map((s) => s.trim());
  return {
    originalMessageId:
      normaliseMessageId(fields.get('original-message-id')) ?? originalMessageIdOf(originalHeaders),
    finalRecipient: typedValue(fields.get('final-recipient')),
    originalRecipient: typedValue(fields.get('original-recipient')),
    reportingUa: fields.get('reporting-ua') ?? null,
    actionMode: mode || null,
    // `displayed/error` and modifiers after a slash are dropped.
    disposition: type?.split('/')[0]?.trim().toLowerCase() || null,
  };
}
