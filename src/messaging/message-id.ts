import { MESSAGING_LIMITS } from './limits.ts';

/**
 * Mail identity of messages (design note §3.6, RFC 5322 §3.6.4): every message has a
 * `Message-ID` `<uuid@domain>`; a reply carries `In-Reply-To` (its parent's Message-ID) and
 * `References` (the parent's References, or its In-Reply-To, followed by the parent's Message-ID).
 */

/** A dot-atom domain of letters, digits and hyphens: `officine.example.fr`. */
const DOMAIN =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const MESSAGE_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$/;

export function isMessageIdDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

export function isMessageId(value: string): boolean {
  return MESSAGE_ID.test(value);
}

export function messageIdFor(uuid: string, domain: string): string {
  if (!isMessageIdDomain(domain)) throw new RangeError('messageIdFor: not a valid domain');
  return `<${uuid}@${domain}>`;
}

export interface MailIdentity {
  messageId: string;
  references: readonly string[];
  inReplyTo: string | null;
}

/** The In-Reply-To and References of a reply to `parent`. */
export function replyHeaders(parent: MailIdentity): { inReplyTo: string; references: string[] } {
  const base =
    parent.references.length > 0 ? parent.references : parent.inReplyTo !== null ? [parent.inReplyTo] : [];
  return { inReplyTo: parent.messageId, references: trimReferences([...base, parent.messageId]) };
}

/** Keeps the first Message-ID (the thread's root) and the latest ones. */
export function trimReferences(
  ids: readonly string[],
  max: number = MESSAGING_LIMITS.referencesMax,
): string[] {
  if (ids.length <= max) return [...ids];
  return [ids[0] as string, ...ids.slice(ids.length - (max - 1))];
}

/** The References header's stored form (ids separated by one space) and back. */
export function formatReferences(ids: readonly string[]): string | null {
  return ids.length === 0 ? null : ids.join(' ');
}

export function parseReferences(value: string | null): string[] {
  return value === null || value === '' ? [] : value.split(' ');
}
