import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openTestStore, type TestStore, testEngine } from '../../test/helpers/test-store.ts';
import type { JournalBus } from './bus.ts';
import { createPostgresBus, decodeHints, encodeHints } from './postgres-bus.ts';

/**
 * The PostgreSQL bus between two "processes" (two buses, each with its own listening connection,
 * on one database): hints cross, the payload holds keys and seqs only, and a listening connection
 * that is killed comes back and tells every subscriber to re-read.
 */
describe('postgres bus payload', () => {
  it('encodes hints as lines and ignores what is not one', () => {
    const hints = [
      { key: 'm:0195f3a2-0000-7000-8000-000000000001', seq: 4 },
      { key: 'p:0123456789abcdef0123456789abcdef', seq: 12 },
    ];
    assert.equal(
      encodeHints(hints),
      'm:0195f3a2-0000-7000-8000-000000000001 4\np:0123456789abcdef0123456789abcdef 12',
    );
    assert.deepEqual(decodeHints(encodeHints(hints)), hints);
    assert.deepEqual(decodeHints('nonsense\nm:x -1\nm:y 2'), [{ key: 'm:y', seq: 2 }]);
  });
});

describe('postgres bus', { skip: testEngine !== 'postgres' && 'runs in the PostgreSQL pass' }, () => {
  let store: TestStore;
  const buses: JournalBus[] = [];
  const busOn = () => {
    if (store.engine !== 'postgres') throw new Error('PostgreSQL only');
    const bus = createPostgresBus({
      db: store.db,
      client: { connectionString: store.url ?? '' },
      backoff: { firstMs: 20, maxMs: 200 },
    });
    buses.push(bus);
    return bus;
  };
  /** The next call of a subscription, as a promise. */
  const nextCall = (bus: JournalBus, key: string) =>
    new Promise<number | null>((resolve) => {
      const off = bus.subscribe(key, (seq) => {
        off();
        resolve(seq);
      });
    });

  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await store.dispose();
  });

  it('carries a hint published by one process to the subscribers of another, once it listens', async () => {
    const a = busOn();
    const b = busOn();
    // Subscribing opens B's listening connection; its first call (null) says it is listening.
    const listening = nextCall(b, 'm:mailbox-1');
    assert.equal(await listening, null);
    const received = nextCall(b, 'm:mailbox-1');
    a.publish([
      { key: 'm:mailbox-2', seq: 1 },
      { key: 'm:mailbox-1', seq: 7 },
    ]);
    assert.equal(await received, 7);
  });

  it('after its listening connection is killed, reconnects and asks every subscriber to re-read', async () => {
    const a = busOn();
    const b = busOn();
    await nextCall(b, 'p:someone');
    const calls: (number | null)[] = [];
    let wake: () => void = () => {};
    b.subscribe('p:someone', (seq) => {
      calls.push(seq);
      wake();
    });
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise<void>((resolve) => (wake = resolve));
    };
    // Only this test's database: other tests' buses run beside it.
    const { rows } = await sql<{ killed: boolean }>`
      select pg_terminate_backend(pid) as killed from pg_stat_activity
      where application_name = 'officine-journal-bus' and datname = current_database()`.execute(store.db);
    assert.ok(rows.some((r) => r.killed));
    await until(() => calls.includes(null));
    a.publish([{ key: 'p:someone', seq: 3 }]);
    await until(() => calls.includes(3));
  });
});
