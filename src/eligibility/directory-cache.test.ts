import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDirectoryCache, type WritableDirectory } from './directory-cache.ts';

const directoryAt = (version: number): WritableDirectory => ({ version, pharmacies: new Map() });

test('answers only at the loaded version, and loads once while a load is running', async () => {
  let version = 3;
  let loads = 0;
  const cache = createDirectoryCache(
    async () => {
      loads += 1;
      return directoryAt(version);
    },
    { minReloadIntervalMs: 0 },
  );
  assert.equal(cache.at(3), null, 'nothing loaded yet');
  assert.equal(cache.at(3), null);
  await cache.idle();
  assert.equal(loads, 1, 'one load for both misses');
  assert.equal(cache.at(3)?.version, 3);
  assert.equal(loads, 1);

  version = 4;
  assert.equal(cache.at(4), null, 'a newer directory: the copy is not used');
  await cache.idle();
  assert.equal(cache.at(4)?.version, 4);
  assert.equal(loads, 2);
});

test('a failed load leaves the previous copy and is tried again at the next miss', async () => {
  let fail = false;
  let version = 1;
  const cache = createDirectoryCache(
    async () => {
      if (fail) throw new Error('database gone');
      return directoryAt(version);
    },
    { minReloadIntervalMs: 0 },
  );
  cache.at(1);
  await cache.idle();
  fail = true;
  version = 2;
  assert.equal(cache.at(2), null);
  await cache.idle();
  assert.equal(cache.at(1)?.version, 1, 'still the version it had');
  fail = false;
  assert.equal(cache.at(2), null);
  await cache.idle();
  assert.equal(cache.at(2)?.version, 2);
});

test('reloads at most once per interval while the directory keeps changing', async () => {
  const starts: number[] = [];
  let version = 1;
  const cache = createDirectoryCache(
    async () => {
      starts.push(performance.now());
      return directoryAt(version);
    },
    { minReloadIntervalMs: 100 },
  );
  cache.at(1);
  await cache.idle();
  version = 2;
  assert.equal(cache.at(2), null);
  version = 3;
  assert.equal(cache.at(3), null, 'the waiting reload serves this miss too');
  await cache.idle();
  assert.equal(starts.length, 2);
  assert.ok((starts[1] as number) - (starts[0] as number) >= 95, 'the second load waited for the interval');
  assert.equal(cache.at(3)?.version, 3, 'and read the directory as it was when it ran');
});
