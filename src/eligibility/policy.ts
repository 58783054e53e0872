import { addDays, addMonths } from '../time/local-date.ts';

/**
 * The eligibility rule, pure. A patient may start a conversation with a pharmacy iff the pharmacy
 * has a published organisational mailbox and the patient's last reimbursed dispensation there is
 * recent enough: the day `today` (Europe/Paris calendar date) is on or before
 * `eligibleUntil = lastReimbursedOn + windowMonths` calendar months (a missing day, such as
 * 29 February or 31 April, becomes the month's last day). Dispensed on 14 March 2026 with a
 * 12-month window: eligible up to and including 14 March 2027, refused from 15 March 2027.
 */
export const DEFAULT_WINDOW_MONTHS = 12;

export type RefusalReason =
  | 'UNKNOWN_PHARMACY'
  | 'NO_PUBLISHED_MAILBOX'
  | 'NO_REIMBURSED_DISPENSATION'
  | 'EXPIRED';

export type Verdict =
  | { eligible: true; lastReimbursedOn: string; eligibleUntil: string }
  | { eligible: false; reason: 'UNKNOWN_PHARMACY' | 'NO_PUBLISHED_MAILBOX' | 'NO_REIMBURSED_DISPENSATION' }
  | { eligible: false; reason: 'EXPIRED'; lastReimbursedOn: string; eligibleUntil: string };

export interface PharmacyFacts {
  /** Listed in the directory. */
  known: boolean;
  hasPublishedMailbox: boolean;
  /** Latest reimbursed dispensation of this patient at this pharmacy, if any. */
  lastReimbursedOn: string | null;
}

export function eligibleUntil(lastReimbursedOn: string, windowMonths: number): string {
  return addMonths(lastReimbursedOn, windowMonths);
}

export function decide(facts: PharmacyFacts, today: string, windowMonths: number): Verdict {
  if (!facts.known) return { eligible: false, reason: 'UNKNOWN_PHARMACY' };
  if (!facts.hasPublishedMailbox) return { eligible: false, reason: 'NO_PUBLISHED_MAILBOX' };
  const last = facts.lastReimbursedOn;
  if (last === null) return { eligible: false, reason: 'NO_REIMBURSED_DISPENSATION' };
  const until = eligibleUntil(last, windowMonths);
  return today <= until
    ? { eligible: true, lastReimbursedOn: last, eligibleUntil: until }
    : { eligible: false, reason: 'EXPIRED', lastReimbursedOn: last, eligibleUntil: until };
}

/**
 * The earliest dispensation date that is still eligible on `today`: the smallest L with
 * eligibleUntil(L) >= today. Stores filter on `last_reimbursed_on >= earliestEligibleDate(...)`,
 * which selects exactly the rows `decide` accepts (eligibleUntil is non-decreasing in L).
 */
export function earliestEligibleDate(today: string, windowMonths: number): string {
  const candidate = addMonths(today, -windowMonths);
  return eligibleUntil(candidate, windowMonths) >= today ? candidate : addDays(candidate, 1);
}
