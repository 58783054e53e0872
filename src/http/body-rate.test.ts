import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextCredit } from './body-rate.ts';

const rate = { stallMs: 30_000, minBytesPerSecond: 1000 };

test('a body at the minimum pace keeps its credit; a faster one cannot bank more than the stall', () => {
  assert.equal(nextCredit(30_000, { elapsedMs: 1000, bytes: 1000, reading: true }, rate), 30_000);
  assert.equal(nextCredit(30_000, { elapsedMs: 1000, bytes: 1_000_000, reading: true }, rate), 30_000);
  assert.equal(nextCredit(10_000, { elapsedMs: 1000, bytes: 3000, reading: true }, rate), 12_000);
});

test('a byte every 20 s runs out of credit after the stall allowance', () => {
  let credit = rate.stallMs;
  let seconds = 0;
  while (credit > 0) {
    credit = nextCredit(credit, { elapsedMs: 20_000, bytes: 1, reading: true }, rate);
    seconds += 20;
  }
  assert.equal(seconds, 40);
});

test('a 10 MB upload at 64 kbit/s passes, pauses of the network included', () => {
  let credit = rate.stallMs;
  let sent = 0;
  for (let second = 0; sent < 10 * 1024 * 1024; second++) {
    const stalled = second % 60 >= 50; // ten seconds without a byte every minute
    const bytes = stalled ? 0 : 9600;
    credit = nextCredit(credit, { elapsedMs: 1000, bytes, reading: true }, rate);
    sent += bytes;
    assert.ok(credit > 0, `cut at ${second} s`);
  }
});

test('the time the server spends not reading does not count', () => {
  assert.equal(nextCredit(1000, { elapsedMs: 120_000, bytes: 0, reading: false }, rate), 1000);
});
