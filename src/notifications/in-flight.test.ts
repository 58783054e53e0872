import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createInFlight } from './in-flight.ts';

describe('in-flight reads', () => {
  it('runs identical concurrent reads once, and reads afresh once settled', async () => {
    const once = createInFlight();
    let runs = 0;
    let release: (value: number) => void = () => {};
    const read = () => {
      runs += 1;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const a = once('m:1:0', read);
    const b = once('m:1:0', read);
    const other = once('m:1:5', () => Promise.resolve(7));
    assert.equal(runs, 1);
    release(42);
    assert.deepEqual(await Promise.all([a, b, other]), [42, 42, 7]);
    await once('m:1:0', async () => {
      runs += 1;
      return 0;
    });
    assert.equal(runs, 2, 'nothing is cached once the read settled');
  });

  it('shares a failure with every waiter, then lets the next ask try again', async () => {
    const once = createInFlight();
    const failing = () => Promise.reject(new Error('database gone'));
    const results = await Promise.allSettled([once('k', failing), once('k', failing)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await once('k', async () => 'back'), 'back');
  });
});
