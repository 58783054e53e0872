import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalProgress } from './progress.ts';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, target: { isTTY, write: (text: string) => writes.push(text) } };
}

test('on a terminal: a bar by bytes, rows and rows/s, redrawn at most every 100 ms', () => {
  const { writes, target } = terminal(true);
  let t = 0;
  const progress = terminalProgress(1000, target, () => t);
  t = 1000;
  progress.update(500, 20_000);
  t = 1050;
  progress.update(600, 25_000); // throttled
  assert.equal(writes.length, 1);
  assert.match(writes[0] ?? '', /^\r█{15}░{15}\s+50 %\s+20\u202f000 lignes\s+20\u202f000 lignes\/s/);
  t = 2000;
  progress.update(1000, 40_000);
  assert.match(writes.at(-1) ?? '', /100 %\s+40\u202f000 lignes\s+20\u202f000 lignes\/s/);
});

test('the next phase first shows the figures a throttled update left out', () => {
  const { writes, target } = terminal(true);
  let t = 0;
  const progress = terminalProgress(1000, target, () => t);
  t = 500;
  progress.update(900, 9);
  t = 520;
  progress.update(1000, 10); // throttled
  progress.phase('Intégration…');
  assert.match(writes.at(-2) ?? '', /100 %\s+10 lignes/);
  assert.equal(writes.at(-1), '\nIntégration…\n');
});

test('silent when the output is not a terminal', () => {
  const { writes, target } = terminal(false);
  const progress = terminalProgress(1000, target, () => 0);
  progress.update(500, 10);
  progress.phase('x');
  progress.done();
  assert.deepEqual(writes, []);
});
