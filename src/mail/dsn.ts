import type { Readable } from 'node:stream';
import { Headers } from '@zone-eu/mailsplit';
import { rawValue } from './headers.ts';
import { normaliseMessageId } from './mss-headers.ts';
import type { ParsedMail } from './parse.ts';
import { mailDate } from './render.ts';
import { type ReportEnvelope, renderReport, reportOf, typedValue } from './report.ts';

/**
 * Delivery status notifications (RFC 3464): the report Officine MSS sends back when a message
 * could not be delivered (or is delayed), and the reading of the ones other operators send.
 * The human-readable part, in French then English, names the recipients and the reason only —
 * never the subject or the text (health data).
 */
export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface DsnRecipient {
  /** The address the delivery was attempted to. */
  finalRecipient: string;
  /** The address as the sender gave it (the ORCPT), when known. */
  originalRecipient?: string | null;
  action: DsnAction;
  /** Enhanced status code `class.subject.detail` (RFC 3463): `5.1.1`. */
  status: string;
  /** What the remote server said: `smtp; 550 5.1.1 User unknown`. */
  diagnosticCode?: string | null;
  /** The server that answered: `dns; mx.example.fr`. */
  remoteMta?: string | null;
  lastAttemptDate?: Date | string | null;
}

/** `from`: usually `MAILER-DAEMON@<our domain>`; `to`: the sender of the original message. */
export interface DsnInput extends ReportEnvelope {
  /** Our host name, written as `Reporting-MTA: dns; <name>`. */
  reportingMta: string;
  original: {
    messageId: string;
    /** The ENVID given with the original (RFC 3461), when there was one. */
    envelopeId?: string | null;
    arrivalDate?: Date | string | null;
    /** The original's header block, sent back as `text/rfc822-headers`; null: not sent. */
    headers: string | null;
  };
  recipients: readonly DsnRecipient[];
}

export function renderDsn(input: DsnInput): Readable {
  const failed = input.recipients.some((r) => r.action === 'failed');
  const perMessage: Array<[string, string]> = [['Reporting-MTA', `dns; ${input.reportingMta}`]];
  if (input.original.envelopeId) perMessage.push(['Original-Envelope-Id', input.original.envelopeId]);
  if (input.original.arrivalDate) perMessage.push(['Arrival-Date', mailDate(input.original.arrivalDate)]);
  const perRecipient = input.recipients.map((r) => {
    const group: Array<[string, string]> = [];
    if (r.originalRecipient) group.push(['Original-Recipient', `rfc822; ${r.originalRecipient}`]);
    group.push(
      ['Final-Recipient', `rfc822; ${r.finalRecipient}`],
      ['Action', r.action],
      ['Status', r.status],
    );
    if (r.remoteMta) group.push(['Remote-MTA', r.remoteMta]);
    if (r.diagnosticCode) group.push(['Diagnostic-Code', r.diagnosticCode]);
    if (r.lastAttemptDate) group.push(['Last-Attempt-Date', mailDate(r.lastAttemptDate)]);
    return group;
  });
  return renderReport({
    reportType: 'delivery-status',
    from: input.from,
    to: input.to,
    subject: failed
      ? 'Message non remis / Undelivered message'
      : 'Avis de remise de votre message / Delivery status notification',
    date: input.date,
    messageId: input.messageId,
    human: humanText(input),
    fields: [perMessage, ...perRecipient],
    originalHeaders: input.original.headers,
  });
}

/** Why a delivery failed or waits, in French and English, from its enhanced status code. */
export function explainStatus(status: string): { fr: string; en: string } {
  const [klass, subject, detail] = status.split('.');
  if (klass === '2') return { fr: 'remis', en: 'delivered' };
  if (klass === '4')
    return { fr: 'remise retardée, nouvel essai en cours', en: 'delivery delayed, still trying' };
  const code = `${subject}.${detail}`;
  if (code === '1.1' || code === '1.6')
    return { fr: 'destinataire introuvable (adresse inconnue)', en: 'recipient not found (unknown address)' };
  if (code === '1.3' || code === '1.0')
    return { fr: 'adresse de destinataire invalide', en: 'invalid recipient address' };
  if (code === '2.1')
    return { fr: 'boîte aux lettres fermée ou désactivée', en: 'mailbox closed or disabled' };
  if (code === '2.2') return { fr: 'boîte aux lettres pleine', en: 'mailbox full' };
  if (code === '2.3' || code === '3.4') return { fr: 'message trop volumineux', en: 'message too large' };
  if (subject === '7') return { fr: 'refusé par le destinataire', en: 'refused by the recipient' };
  return { fr: 'remise impossible', en: 'delivery failed' };
}

const HUMAN = {
  fr: {
    failed: 'Ceci est un avis automatique : votre message n’a pas pu être remis à tous ses destinataires.',
    other: 'Ceci est un avis automatique sur la remise de votre message.',
    privacy: 'Pour des raisons de confidentialité, ni l’objet ni le contenu du message ne sont repris ici.',
  },
  en: {
    failed: 'This is an automatic notice: your message could not be delivered to all its recipients.',
    other: 'This is an automatic notice about the delivery of your message.',
    privacy: 'For confidentiality, neither the subject nor the content of the message is repeated here.',
  },
} as const;

/** French, then English: the original's id, each recipient and why — no subject, no text. */
function humanText(input: DsnInput): string {
  const failed = input.recipients.some((r) => r.action === 'failed');
  const paragraph = (lang: 'fr' | 'en') => [
    failed ? HUMAN[lang].failed : HUMAN[lang].other,
    `Message ${input.original.messageId}`,
    '',
    ...input.recipients.map(
      (r) => `  - ${r.finalRecipient} : ${explainStatus(r.status)[lang]} (${r.status})`,
    ),
    '',
    HUMAN[lang].privacy,
    '',
  ];
  return [...paragraph('fr'), '---', '', ...paragraph('en')].join('\n');
}

export interface DsnReport {
  /** The Message-ID of the message the report is about, from its returned headers. */
  originalMessageId: string | null;
  envelopeId: string | null;
  reportingMta: string | null;
  recipients: Array<{
    finalRecipient: string | null;
    originalRecipient: string | null;
    action: string | null;
    status: string | null;
    diagnosticCode: string | null;
    remoteMta: string | null;
  }>;
}

/** Reads a parsed `multipart/report; report-type=delivery-status`; else `MAIL_NOT_A_REPORT`. */
export function readDsn(parsed: ParsedMail): DsnReport {
  const { groups, originalHeaders } = reportOf(parsed, 'delivery-status');
  const [perMessage, ...perRecipient] = groups;
  return {
    originalMessageId: originalMessageIdOf(originalHeaders),
    envelopeId: perMessage?.get('original-envelope-id') ?? null,
    reportingMta: typedValue(perMessage?.get('reporting-mta')),
    recipients: perRecipient.map((g) => ({
      finalRecipient: typedValue(g.get('final-recipient')),
      originalRecipient: typedValue(g.get('original-recipient')),
      action: g.get('action')?.toLowerCase() ?? null,
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(g.get('status') ?? '')?.[0] ?? null,
      diagnosticCode: g.get('diagnostic-code') ?? null,
      remoteMta: typedValue(g.get('remote-mta')),
    })),
  };
}

/** The Message-ID in a returned header block (`text/rfc822-headers`). */
export function originalMessageIdOf(headerBlock: string | null): string | null {
  if (headerBlock === null) return null;
  return normaliseMessageId(rawValue(new Headers(Buffer.from(headerBlock)), 'message-id'));
}
