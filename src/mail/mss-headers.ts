/**
 * MSSanté headers and threading fields (domain reference §3): `X-MSS-NIL` on every message (the
 * sending software's reference), `X-MSS-MES: FIN` when a professional closes a patient
 * conversation, and the RFC 5322 `Message-ID`, `In-Reply-To`, `References` in one normal form:
 * `<left@right>`, angle brackets included, as `src/messaging/message-id.ts` stores them.
 */
export const X_MSS_NIL = 'X-MSS-NIL';
export const X_MSS_MES = 'X-MSS-MES';
export const X_MSS_MES_FIN = 'FIN';
/** A subject that is exactly this closes every earlier message with that professional. */
export const FIN_SUBJECT = '[FIN]';

/** Whether a message closes its conversation: `X-MSS-MES: FIN`, or a subject that is exactly `[FIN]`. */
export function closesConversation(headers: { subject: string | null; mssMes: string | null }): boolean {
  if (headers.mssMes !== null && headers.mssMes.trim().toUpperCase() === X_MSS_MES_FIN) return true;
  return headers.subject !== null && headers.subject.trim() === FIN_SUBJECT;
}

const ID_IN_BRACKETS = /<([^<>\s]+@[^<>\s]+)>/g;
const BARE_ID = /^[^<>\s()@]+@[^<>\s()@]+$/;

/**
 * The Message-IDs of an `In-Reply-To` or `References` value, in order, each `<left@right>`.
 * Folding, comments and text between ids are skipped; a lone id without brackets (seen from
 * some senders) is accepted; duplicates are kept once, where first seen.
 */
export function messageIdList(value: string | null | undefined): string[] {
  if (!value) return [];
  const found = [...value.matchAll(ID_IN_BRACKETS)].map((m) => `<${m[1]}>`);
  if (found.length === 0) {
    const bare = value.replace(/\([^()]*\)/g, ' ').trim();
    return BARE_ID.test(bare) ? [`<${bare}>`] : [];
  }
  return [...new Set(found)];
}

/** One Message-ID in normal form, or null when the value holds none. */
export function normaliseMessageId(value: string | null | undefined): string | null {
  return messageIdList(value)[0] ?? null;
}

/** `<id>` → `id`, for the places that want it bare (nodemailer adds the brackets itself). */
export function bareMessageId(id: string): string {
  return id.startsWith('<') && id.endsWith('>') ? id.slice(1, -1) : id;
}
