import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../../src/demo/accounts.ts';
import { PHARMACIES } from '../../src/demo/france.ts';
import { auditRecords, startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { rppsFrom } from '../helpers/identifiers.ts';
import { connectSse, type SseStream } from '../helpers/sse-client.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { Client, type Json, QUOTAS } from './client.ts';

/**
 * The real-time channel over HTTP (GET /api/pharmacies/:finess/events, GET /api/patient/events):
 * live delivery (on the default 20 s heartbeat, so a live event can only come from the bus
 * hint), replay from Last-Event-ID, refusals, and — on a second server with a 1 s heartbeat and
 * two streams per person — heartbeats, logout, replacement and shutdown.
 */
const camille = DEMO_ACCOUNTS.patients[0];
const claire = DEMO_ACCOUNTS.professionals[0];
const thomas = DEMO_ACCOUNTS.professionals[1];
const otherPharmacy = PHARMACIES.find((p) => p.finess !== DEMO_PHARMACY.finess);
if (!camille || !claire || !thomas || !otherPharmacy) throw new Error('demo accounts missing');
const FINESS = DEMO_PHARMACY.finess;
const TEAM_EVENTS = `/api/pharmacies/${FINESS}/events`;
const OUTSIDER = rppsFrom('1999999990');
/** Well under the default heartbeat (20 s): what arrives in time came through the bus. */
const LIVE_MS = 5000;

const journal = (stream: SseStream) => stream.parsed<Json>('journal');

describe('real-time events over HTTP', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let server: TestServer;
  let quick: TestServer;
  let patient: Client;
  let pharmacist: Client;
  let conversationId = '';

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    server = await startServer({ store, dataDir: data.dir, env: QUOTAS });
    quick = await startServer({
      store,
      dataDir: data.dir,
      env: { ...QUOTAS, SSE_HEARTBEAT_SECONDS: '1', SSE_MAX_STREAMS_PER_PERSON: '2' },
    });
    await server.app.directory.saveProfessional(
      {
        rpps: OUTSIDER,
        familyName: 'Autre',
        givenName: 'Alex',
        finess: otherPharmacy.finess,
        role: 'titulaire',
      },
      new Date().toISOString(),
    );
    patient = await new Client(server.base).login('patient', camille.matricule);
    pharmacist = await new Client(server.base).login('pro', claire.rpps);
    // Something in both journals before any stream opens.
    conversationId = await patient.startConversation(FINESS);
  });
  after(async () => {
    await quick?.close();
    await server?.close();
    await store?.dispose();
    data?.remove();
  });

  it('a team member sees the patient’s message live; no replay without Last-Event-ID', async () => {
    const stream = await pharmacist.stream(TEAM_EVENTS);
    const headers = stream.response.headers;
    assert.equal(headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(headers.get('x-accel-buffering'), 'no');
    const { event: ready, skipped } = await stream.until('ready');
    assert.deepEqual(skipped, [], 'nothing replayed');
    assert.equal(stream.retry, 2000);
    const readyData = JSON.parse(ready.data) as Json;
    assert.ok(readyData.seq >= 1, 'starts at the head');
    assert.equal(ready.id, String(readyData.seq));
    assert.equal(readyData.realertMinutes, 10);
    assert.ok('openingHours' in readyData);
    assert.ok(readyData.openingHours === null || typeof readyData.openingHours === 'string');

    await patient.reply(conversationId);
    const event = await stream.next(LIVE_MS);
    assert.equal(event.event, 'journal');
    assert.equal(event.id, String(readyData.seq + 1));
    const data = JSON.parse(event.data) as Json;
    assert.deepEqual(Object.keys(data).sort(), ['at', 'conversationId', 'kind', 'seq']);
    assert.equal(data.seq, readyData.seq + 1);
    assert.equal(data.kind, 'message.patient');
    assert.equal(data.conversationId, conversationId);
    assert.ok(!Number.isNaN(Date.parse(data.at)));
    await stream.close();
  });

  it('replays exactly the missed entries, in order, with Last-Event-ID or ?lastEventId=', async () => {
    const first = await pharmacist.stream(TEAM_EVENTS);
    const seen = Number((JSON.parse((await first.until('ready')).event.data) as Json).seq);
    await first.close();

    for (let i = 0; i < 3; i++) await patient.reply(conversationId, `Message ${i}`);
    const expected = [seen + 1, seen + 2, seen + 3];

    const resumed = await pharmacist.stream(TEAM_EVENTS, { 'last-event-id': String(seen) });
    const { event: ready, skipped } = await resumed.until('ready');
    assert.deepEqual(
      skipped.map((e) => Number(e.id)),
      expected,
    );
    assert.deepEqual(
      journal(resumed).map((e) => [e.seq, e.kind, e.conversationId]),
      expected.map((seq) => [seq, 'message.patient', conversationId]),
    );
    assert.equal((JSON.parse(ready.data) as Json).seq, seen + 3);
    await resumed.close();

    const manual = await pharmacist.stream(`${TEAM_EVENTS}?lastEventId=${seen + 1}`);
    const again = await manual.until('ready');
    assert.deepEqual(
      again.skipped.map((e) => Number(e.id)),
      [seen + 2, seen + 3],
    );
    await manual.close();
  });

  it('the patient’s stream gets the team’s status change and reply', async () => {
    const stream = await patient.stream('/api/patient/events');
    const ready = JSON.parse((await stream.until('ready')).event.data) as Json;
    assert.deepEqual(Object.keys(ready), ['seq'], 'no pharmacy fields for a patient');
    const path = `/api/pharmacies/${FINESS}/conversations/${conversationId}`;
    assert.equal((await pharmacist.call('POST', `${path}/status`, { status: 'in_preparation' })).status, 200);
    const status = await stream.next(LIVE_MS);
    assert.deepEqual(JSON.parse(status.data).kind, 'status');
    assert.equal(
      (await pharmacist.call('POST', `${path}/messages`, { text: 'C’est en cours.' })).status,
      201,
    );
    const reply = await stream.next(LIVE_MS);
    assert.equal(reply.event, 'journal');
    const data = JSON.parse(reply.data) as Json;
    assert.equal(data.kind, 'message.team');
    assert.equal(data.conversationId, conversationId);
    assert.equal(data.seq, ready.seq + 2);
    await stream.close();
  });

  it('refuses the unauthenticated (401), patients and other pharmacies (403/404), foreign origins (403)', async () => {
    const refused = async (client: Client | null, path: string, headers: Record<string, string> = {}) => {
      const result = await connectSse(`${server.base}${path}`, headers, client?.fetcher);
      assert.ok(result instanceof Response, `${path} must be refused`);
      const body = (await result.json()) as Json;
      return { status: result.status, code: body.error.code as string };
    };
    assert.deepEqual(await refused(null, TEAM_EVENTS), { status: 401, code: 'AUTH_REQUIRED' });
    assert.deepEqual(await refused(null, '/api/patient/events'), { status: 401, code: 'AUTH_REQUIRED' });
    assert.deepEqual(await refused(patient, TEAM_EVENTS), { status: 403, code: 'FORBIDDEN' });
    assert.deepEqual(await refused(pharmacist, '/api/patient/events'), { status: 403, code: 'FORBIDDEN' });
    const outsider = await new Client(server.base).login('pro', OUTSIDER);
    assert.deepEqual(await refused(outsider, TEAM_EVENTS), { status: 404, code: 'NOT_FOUND' });
    assert.deepEqual(await refused(pharmacist, TEAM_EVENTS, { origin: 'https://evil.example' }), {
      status: 403,
      code: 'ORIGIN_REJECTED',
    });
    assert.deepEqual(await refused(patient, '/api/patient/events', { 'sec-fetch-site': 'cross-site' }), {
      status: 403,
      code: 'ORIGIN_REJECTED',
    });
    // Our own origin is fine.
    const own = await pharmacist.stream(TEAM_EVENTS, {
      origin: server.base,
      'sec-fetch-site': 'same-origin',
    });
    await own.until('ready');
    await own.close();

    const records = (await auditRecords(store)).filter((r) => r.action === 'events.open');
    assert.ok(
      records.some((r) => r.result === 'denied' && r.reason === 'OTHER_TENANT' && r.actor_id === OUTSIDER),
    );
    assert.ok(records.some((r) => r.result === 'success' && r.actor_kind === 'patient' && r.target === null));
    assert.ok(records.some((r) => r.result === 'success' && r.actor_id === claire.rpps && r.target !== null));
    assert.ok(
      records.every((r) => !JSON.stringify(r).includes(camille.matricule)),
      'no NIR in the audit',
    );
  });

  it('sends heartbeats as comment lines', async () => {
    const client = await new Client(quick.base).login('pro', thomas.rpps);
    const stream = await client.stream(TEAM_EVENTS);
    await stream.until('ready');
    assert.equal(await stream.nextComment(), 'ping');
    assert.equal(await stream.nextComment(), 'ping');
    await stream.close();
  });

  it('ends the stream with SESSION_ENDED once the session is logged out', async () => {
    const client = await new Client(quick.base).login('pro', thomas.rpps);
    const stream = await client.stream(TEAM_EVENTS);
    await stream.until('ready');
    assert.equal((await client.call('POST', '/auth/logout')).status, 204);
    const { event } = await stream.until('end');
    assert.deepEqual(JSON.parse(event.data), { reason: 'SESSION_ENDED' });
    await stream.waitForEnd();
  });

  it('opening one stream more than allowed ends the oldest with REPLACED', async () => {
    const client = await new Client(quick.base).login('pro', claire.rpps);
    const streams: SseStream[] = [];
    for (let i = 0; i < 2; i++) {
      const stream = await client.stream(TEAM_EVENTS);
      await stream.until('ready');
      streams.push(stream);
    }
    const newest = await client.stream(TEAM_EVENTS);
    await newest.until('ready');
    const [oldest, second] = streams as [SseStream, SseStream];
    const { event } = await oldest.until('end');
    assert.deepEqual(JSON.parse(event.data), { reason: 'REPLACED' });
    await oldest.waitForEnd();
    assert.equal(second.closed, false);
    assert.equal(second.parsed('end').length, 0);
    // The patient's own streams are counted apart from the team's.
    const own = await new Client(quick.base).login('patient', camille.matricule);
    const mine = await own.stream('/api/patient/events');
    await mine.until('ready');
    assert.equal(second.parsed('end').length, 0);
    await Promise.all([second.close(), newest.close(), mine.close()]);
  });

  it('a server that stops ends its streams with SHUTDOWN, and closes without waiting for them', async () => {
    const third = await startServer({ store, dataDir: data.dir });
    const client = await new Client(third.base).login('patient', camille.matricule);
    const stream = await client.stream('/api/patient/events');
    await stream.until('ready');
    await third.close();
    const { event } = await stream.until('end');
    assert.deepEqual(JSON.parse(event.data), { reason: 'SHUTDOWN' });
    await stream.waitForEnd();
  });
});
