import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainKeyOf } from '../../src/audit/chain-key.ts';
import { verifyAuditTrail } from '../../src/audit/verify.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { startServer, tempDir } from './test-server.ts';

/**
 * Issue 9, item 10: a stranger sending bad bearer tokens in a loop must not write one audit
 * record per request. The refusals of one client are summed per window; the pending summary is
 * written when the server closes, so the trail still says how many there were.
 */
test('2,000 requests with a bad bearer token write a bounded number of records, the count kept', async () => {
  const store = await openTestStore();
  const data = tempDir();
  const server = await startServer({ store, dataDir: data.dir });
  const refusals = () =>
    store.db
      .selectFrom('audit_records')
      .selectAll()
      .where('action', '=', 'auth.refused')
      .orderBy('seq')
      .execute();
  try {
    const total = 2000;
    const statuses = new Map<number, number>();
    const send = async () => {
      const answer = await fetch(`${server.base}/api/me`, { headers: { authorization: 'Bearer x' } });
      await answer.arrayBuffer();
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    };
    // 20 at a time, as one client hammering the server would.
    for (let sent = 0; sent < total; sent += 20) await Promise.all(Array.from({ length: 20 }, send));
    assert.deepEqual([...statuses], [[401, total]]);

    const whileOpen = await refusals();
    assert.equal(whileOpen.length, 1, 'the first refusal of the window, written at once');
    assert.deepEqual(
      [whileOpen[0]?.actor_kind, whileOpen[0]?.reason, whileOpen[0]?.count],
      ['anonymous', 'INVALID_CREDENTIAL', null],
    );
    assert.ok(whileOpen[0]?.request_id);

    await server.close();
    const written = await refusals();
    assert.equal(written.length, 2);
    const summary = written[1];
    assert.deepEqual(
      [summary?.reason, summary?.count, summary?.target, summary?.request_id],
      ['INVALID_CREDENTIAL', total - 1, '/api/me', null],
    );
    assert.ok((summary?.window_start ?? '') <= (summary?.at ?? ''));
    assert.equal(
      written.reduce((n, r) => n + (r.count ?? 1), 0),
      total,
    );
    const verified = await verifyAuditTrail(store, { chainKey: chainKeyOf(server.app.config) });
    assert.equal(verified.ok, true);
  } finally {
    await server.close();
    await store.dispose();
    data.remove();
  }
});
