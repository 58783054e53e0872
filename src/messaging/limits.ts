/**
 * The messaging limits (attachment counts and sizes live in src/attachments/limits.ts). Listed in
 * the README's messaging section; change both together.
 */
export const MESSAGING_LIMITS = Object.freeze({
  /** Characters of a subject; it becomes a mail header, so no line breaks or control characters. */
  subjectMax: 200,
  /** Characters of a message's text. */
  textMax: 10_000,
  /** Characters of a reply template's title, and of its text (textMax). */
  templateTitleMax: 80,
  /** Templates per pharmacy. */
  templatesPerPharmacy: 100,
  /** Characters of an `Idempotency-Key` (printable ASCII). */
  idempotencyKeyMax: 200,
  /** Conversations per page of a listing: the default and the largest a client may ask for. */
  pageDefault: 20,
  pageMax: 100,
  /** Message-IDs kept in a References header: the first and the latest ones (RFC 5322 §3.6.4). */
  referencesMax: 20,
});

/** Per-person quotas (configurable: QUOTA_* variables, src/config.ts). */
export interface QuotaLimits {
  messagesPerMinute: number;
  messagesPerDay: number;
  conversationsPerDay: number;
  /** Sends refused per hour (patients and team members): over it, sends are refused unread. */
  refusedSendsPerHour: number;
}

export const DEFAULT_QUOTAS: Readonly<QuotaLimits> = Object.freeze({
  messagesPerMinute: 5,
  messagesPerDay: 50,
  conversationsPerDay: 10,
  refusedSendsPerHour: 20,
});
