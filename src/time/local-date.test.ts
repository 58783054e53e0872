import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, addMonths, formatFrenchDate, isLocalDate, localDate } from './local-date.ts';

test('addMonths clamps to the last day of shorter months', () => {
  assert.equal(addMonths('2026-03-14', 12), '2027-03-14');
  assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
  assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(addMonths('2025-03-31', -1), '2025-02-28');
  assert.equal(addMonths('2025-12-15', 1), '2026-01-15');
  assert.equal(addMonths('2026-01-15', -13), '2024-12-15');
});

test('addDays crosses months and years', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2023-02-28', 1), '2023-03-01');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(addDays('2027-01-01', -1), '2026-12-31');
});

test('isLocalDate accepts only real calendar days', () => {
  assert.equal(isLocalDate('2024-02-29'), true);
  assert.equal(isLocalDate('2023-02-29'), false);
  assert.equal(isLocalDate('2026-13-01'), false);
  assert.equal(isLocalDate('2026-1-01'), false);
  assert.equal(isLocalDate('26/11/2026'), false);
});

test('localDate reads the Paris calendar, not UTC', () => {
  // 23:30 UTC on 31 Dec is already 1 Jan in Paris (UTC+1 in winter).
  assert.equal(localDate(new Date('2026-12-31T23:30:00Z')), '2027-01-01');
  // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2 in summer).
  assert.equal(localDate(new Date('2026-06-30T22:30:00Z')), '2026-07-01');
  assert.equal(localDate(new Date('2026-06-30T21:59:59Z')), '2026-06-30');
});

test('formatFrenchDate writes dates as a French reader expects', () => {
  assert.equal(formatFrenchDate('2027-03-14'), '14 mars 2027');
  assert.equal(formatFrenchDate('2026-08-01'), '1er août 2026');
  assert.equal(formatFrenchDate('2026-02-05'), '5 février 2026');
});

test('isLocalDate agrees with the Gregorian calendar of Date.UTC on every month and day of many years', () => {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const exists = (year: number, month: number, day: number) => {
    if (month < 1 || month > 12 || day < 1) return false;
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  };
  for (const year of [0, 1, 4, 99, 100, 400, 1600, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) {
        const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
        assert.equal(isLocalDate(date), exists(year, month, day), date);
      }
    }
  }
  for (const date of [
    '2026-1-01',
    '2026/01/01',
    '01/02/2026',
    '2026-01-01 ',
    '２０２６-01-01',
    '2026-01-0a',
  ]) {
    assert.equal(isLocalDate(date), false, date);
  }
});
