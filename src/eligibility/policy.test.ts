import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays } from '../time/local-date.ts';
import { explainVerdict } from './explain.ts';
import { decide, earliestEligibleDate, eligibleUntil } from './policy.ts';

const withMailbox = (lastReimbursedOn: string | null) => ({
  known: true,
  hasPublishedMailbox: true,
  lastReimbursedOn,
});

test('the boundary day: eligible on the anniversary, refused the day after', () => {
  const facts = withMailbox('2026-03-14');
  assert.deepEqual(decide(facts, '2027-03-14', 12), {
    eligible: true,
    lastReimbursedOn: '2026-03-14',
    eligibleUntil: '2027-03-14',
  });
  assert.deepEqual(decide(facts, '2027-03-15', 12), {
    eligible: false,
    reason: 'EXPIRED',
    lastReimbursedOn: '2026-03-14',
    eligibleUntil: '2027-03-14',
  });
});

test('a dispensation on 29 February stays eligible until 28 February of the next year', () => {
  assert.equal(eligibleUntil('2024-02-29', 12), '2025-02-28');
  assert.equal(decide(withMailbox('2024-02-29'), '2025-02-28', 12).eligible, true);
  assert.equal(decide(withMailbox('2024-02-29'), '2025-03-01', 12).eligible, false);
});

test('refusal reasons come in order: unknown, no mailbox, no dispensation', () => {
  assert.deepEqual(
    decide({ known: false, hasPublishedMailbox: false, lastReimbursedOn: null }, '2026-11-26', 12),
    {
      eligible: false,
      reason: 'UNKNOWN_PHARMACY',
    },
  );
  assert.deepEqual(
    decide({ known: true, hasPublishedMailbox: false, lastReimbursedOn: '2026-11-01' }, '2026-11-26', 12),
    {
      eligible: false,
      reason: 'NO_PUBLISHED_MAILBOX',
    },
  );
  assert.deepEqual(decide(withMailbox(null), '2026-11-26', 12), {
    eligible: false,
    reason: 'NO_REIMBURSED_DISPENSATION',
  });
});

test('the window length is configurable', () => {
  assert.equal(decide(withMailbox('2026-03-14'), '2026-09-14', 6).eligible, true);
  assert.equal(decide(withMailbox('2026-03-14'), '2026-09-15', 6).eligible, false);
});

test('earliestEligibleDate matches decide on leap-year edges', () => {
  assert.equal(earliestEligibleDate('2027-03-14', 12), '2026-03-14');
  // 28 Feb 2023 + 12 months = 28 Feb 2024, which is before 29 Feb 2024.
  assert.equal(earliestEligibleDate('2024-02-29', 12), '2023-03-01');
  assert.equal(earliestEligibleDate('2025-02-28', 12), '2024-02-28');
});

const day = fc.integer({ min: 0, max: 365 * 12 }).map((n) => addDays('2018-01-01', n));

test('property: a stored date passes the store filter iff decide accepts it', () => {
  fc.assert(
    fc.property(day, day, fc.constantFrom(1, 3, 6, 12, 18, 24), (last, today, months) => {
      const byFilter = last >= earliestEligibleDate(today, months);
      const byPolicy = decide(withMailbox(last), today, months).eligible;
      assert.equal(byFilter, byPolicy);
    }),
    { numRuns: 2000 },
  );
});

test('explanations are French sentences with French dates', () => {
  assert.equal(
    explainVerdict({ eligible: true, lastReimbursedOn: '2026-03-14', eligibleUntil: '2027-03-14' }, 12),
    "Vous pouvez écrire à cette pharmacie jusqu'au 14 mars 2027 (dernière délivrance remboursée le 14 mars 2026).",
  );
  assert.equal(
    explainVerdict(
      { eligible: false, reason: 'EXPIRED', lastReimbursedOn: '2025-10-02', eligibleUntil: '2026-10-02' },
      12,
    ),
    "Dernière délivrance remboursée dans cette pharmacie le 2 octobre 2025 : vous pouviez lui écrire jusqu'au 2 octobre 2026.",
  );
  assert.match(
    explainVerdict({ eligible: false, reason: 'NO_REIMBURSED_DISPENSATION' }, 12),
    /12 derniers mois/,
  );
  assert.match(
    explainVerdict({ eligible: false, reason: 'NO_PUBLISHED_MAILBOX' }, 12),
    /messagerie sécurisée/,
  );
});
