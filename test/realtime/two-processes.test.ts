import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { tempDir } from '../auth/test-server.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { openTestStore, type TestStore, testEngine } from '../helpers/test-store.ts';
import { Client, type Json, QUOTAS } from './client.ts';

/**
 * Two `officine-mss serve` processes on one PostgreSQL database, sharing nothing else but the
 * keys: a patient writes through A, the pharmacist's stream is open on B, and the hint travels
 * over LISTEN/NOTIFY (B's heartbeat is the default 20 s, so an event in time came by the bus).
 * A stream cut on B resumes from Last-Event-ID with what it missed.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const claire = DEMO_ACCOUNTS.professionals[0];
if (!camille || !claire) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
const TEAM_EVENTS = `/api/pharmacies/${FINESS}/events`;
const LIVE_MS = 5000;

describe('real-time events between two server processes', {
  skip: testEngine !== 'postgres' && 'runs in the PostgreSQL pass (two processes share one database)',
}, () => {
  let store: TestStore;
  const dirs: ReturnType<typeof tempDir>[] = [];
  let a: ServerProcess;
  let b: ServerProcess;

  before(async () => {
    store = await openTestStore();
    dirs.push(tempDir(), tempDir());
    const env = {
      ...QUOTAS,
      DATABASE_URL: store.url ?? '',
      AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      AUDIT_CHAIN_KEY: randomBytes(32).toString('base64'),
      BLOB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    // A loads the demo data; B joins the same database once it is there.
    a = await startServerProcess({ ...env, DATA_DIR: dirs[0]?.dir ?? '', DEMO_DATA: 'auto' });
    b = await startServerProcess({ ...env, DATA_DIR: dirs[1]?.dir ?? '', DEMO_DATA: 'off' });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    await store?.dispose();
    for (const dir of dirs) dir.remove();
  });

  it('a message sent through A reaches the stream open on B; a cut stream resumes with what it missed', async () => {
    const pharmacist = await new Client(b.base).login('pro', claire.rpps);
    const patient = await new Client(a.base).login('patient', camille.matricule);

    const stream = await pharmacist.stream(TEAM_EVENTS);
    const start = Number((JSON.parse((await stream.until('ready')).event.data) as Json).seq);
    const conversationId = await patient.startConversation(FINESS);
    const live = await stream.next(LIVE_MS).catch((error: Error) => {
      throw new Error(`${error.message}\nA:\n${a.output()}\nB:\n${b.output()}`);
    });
    assert.equal(live.event, 'journal');
    const data = JSON.parse(live.data) as Json;
    assert.deepEqual(
      [data.seq, data.kind, data.conversationId],
      [start + 1, 'conversation.new', conversationId],
    );

    // The workstation's connection drops; meanwhile the patient writes again through A.
    await stream.close();
    await patient.reply(conversationId, 'Je passe ce soir.');
    await patient.reply(conversationId, 'Plutôt demain matin.');

    const resumed = await pharmacist.stream(TEAM_EVENTS, { 'last-event-id': String(start + 1) });
    const { event: ready, skipped } = await resumed.until('ready');
    assert.deepEqual(
      skipped.map((e) => [Number(e.id), (JSON.parse(e.data) as Json).kind]),
      [
        [start + 2, 'message.patient'],
        [start + 3, 'message.patient'],
      ],
    );
    assert.equal((JSON.parse(ready.data) as Json).seq, start + 3);

    // Live again, then B stops: its streams end with SHUTDOWN and the process exits.
    await patient.reply(conversationId, 'Merci.');
    const again = await resumed.next(LIVE_MS);
    assert.equal(Number(again.id), start + 4);
    await b.stop();
    const { event: end } = await resumed.until('end');
    assert.deepEqual(JSON.parse(end.data), { reason: 'SHUTDOWN' });
    await resumed.waitForEnd();
  });
});
