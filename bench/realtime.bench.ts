/**
 * `npm run bench:realtime`: how fast a patient's message reaches every open counter of the pharmacy.
 *
 * For N open event streams of the demo pharmacy (`GET /api/pharmacies/:finess/events`, default
 * N = 50 and 200), the demo patient Camille Martin sends K text-only messages (default 30) in one
 * conversation, one after the other (`POST /api/patient/conversations/:id/messages`). For each
 * send and each stream the bench takes the time from "the send's 201 answer arrives" (fetch
 * resolves) to "the stream's `journal` event for it arrives" (the chunk holding it comes out of
 * the body), and reports p50 / p95 / max over all N × K samples, and over the K sends of the time
 * until the last of the N streams had it ("every counter").
 *
 * Baseline in the same run: a bare node:http SSE server (bench/sse-timing.ts) with the same N
 * fetch-based clients on loopback; `POST /send` answers 201, then writes one small event to every
 * stream. Same clients, same reader, same origin. Sends to the app and to the baseline are
 * interleaved round by round, the first alternating, so that background activity falls on both.
 *
 * Cases: SQLite (the embedded default, in-process server on a temp store and DATA_DIR); on a
 * throwaway PostgreSQL (skipped with a note when its binaries are missing) the same in-process,
 * then two `officine-mss serve` processes: streams on B, sends on A, the hint crossing over
 * LISTEN/NOTIFY. The streams are spread over the team's sessions (the demo team plus bench
 * members up to PEOPLE), under SSE_MAX_STREAMS_PER_PERSON = 50 (the most it allows).
 *
 * Options: --streams 50,200, --sends N, --engine sqlite|postgres|both. Writes bench/results/realtime.json.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../src/demo/accounts.ts';
import { createDirectoryStore } from '../src/directory/store.ts';
import { systemClock } from '../src/time/clock.ts';
import { startServer, tempDir, withDemo } from '../test/auth/test-server.ts';
import { rppsFrom } from '../test/helpers/identifiers.ts';
import { type ServerProcess, startServerProcess } from '../test/helpers/server-process.ts';
import { openTestStore, type TestStore } from '../test/helpers/test-store.ts';
import { findPostgresBin, startThrowawayPostgres } from '../test/helpers/throwaway-postgres.ts';
import { Client, QUOTAS } from '../test/realtime/client.ts';
import { type BareSseServer, startBareSseServer, type TimedEvent, TimedSseStream } from './sse-timing.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '50,200' },
    sends: { type: 'string', default: '30' },
    engine: { type: 'string', default: 'both' },
  },
});
const STREAM_COUNTS = args.streams.split(',').map(Number);
const SENDS = Number(args.sends);
const WARMUP = 3;
/** Team members holding the streams: at most 50 streams each (SSE_MAX_STREAMS_PER_PERSON's max). */
const PEOPLE = 8;
const WAIT_MS = 15_000;
const FINESS = DEMO_PHARMACY.finess;
const TEAM_EVENTS = `/api/pharmacies/${FINESS}/events`;
const camille = DEMO_ACCOUNTS.patients[0];
if (!camille) throw new Error('demo accounts missing');
const ENV = { ...QUOTAS, SSE_MAX_STREAMS_PER_PERSON: '50' };
const root = path.resolve(import.meta.dirname, '..');

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Spread {
  p50: number;
  p95: number;
  max: number;
}

function spread(samples: readonly number[]): Spread {
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN };
}

/** One side of the comparison: where the streams are, and how a send is made. */
interface Side {
  openStream(index: number): Promise<TimedSseStream>;
  /** Sends one message; resolves with performance.now() before the request and when its 201 arrived. */
  send(text: string): Promise<{ started: number; answered: number }>;
  /** Whether an event is the one a send announces. */
  matches(event: TimedEvent): boolean;
}

interface SideResult {
  /** From the 201 to each stream's event, N × K samples (ms). */
  perStream: Spread;
  /** From the 201 to the last of the N streams' event, K samples (ms). */
  everyStream: Spread;
  /** The send's round trip, request to 201 (ms). */
  answer: Spread;
  /** From the send's request to the last of the N streams' event, K samples (ms). */
  endToEnd: Spread;
  /** Share of the N × K events that arrived before the send's 201. */
  beforeAnswer: number;
}

interface Samples {
  perStream: number[];
  everyStream: number[];
  answer: number[];
  endToEnd: number[];
}

async function openStreams(side: Side, n: number): Promise<TimedSseStream[]> {
  const streams: TimedSseStream[] = [];
  // A few at a time: the app audits each opening.
  for (let from = 0; from < n; from += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, n - from) }, (_, i) => side.openStream(from + i)),
    );
    streams.push(...batch);
  }
  await within(Promise.all(streams.map((s) => s.ready)), 'every stream ready');
  return streams;
}

function within<T>(promise: Promise<T>, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const say = () => (typeof what === 'string' ? what : what());
    timer = setTimeout(() => reject(new Error(`no ${say()} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One send, then the wait until every stream has its event. */
async function round(side: Side, streams: readonly TimedSseStream[], text: string, into: Samples | null) {
  const arrivals = new Float64Array(streams.length).fill(Number.NaN);
  let got = 0;
  let all: () => void = () => {};
  const everyone = new Promise<void>((resolve) => {
    all = resolve;
  });
  streams.forEach((stream, i) => {
    stream.onEvent((event) => {
      if (!Number.isNaN(arrivals[i]) || !side.matches(event)) return;
      arrivals[i] = event.at;
      got += 1;
      if (got === streams.length) all();
    });
  });
  const { started, answered } = await side.send(text);
  await within(everyone, () => `event on all ${streams.length} streams (${got} so far)`);
  for (const stream of streams) stream.onEvent(null);
  if (!into) return;
  let last = Number.NEGATIVE_INFINITY;
  for (const at of arrivals) {
    into.perStream.push(at - answered);
    last = Math.max(last, at);
  }
  into.everyStream.push(last - answered);
  into.answer.push(answered - started);
  into.endToEnd.push(last - started);
}

const ms = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const fmt = (s: Spread) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}`;

/** Measures the app's side against the bare baseline, for each stream count, interleaved. */
async function compare(label: string, ours: Side) {
  const bare = await startBareSseServer();
  const bareSide = bareSideOf(bare);
  const results: Record<string, { ours: SideResult; bare: SideResult; ratios: Record<string, number> }> = {};
  log(`\n— ${label} —`);
  log(
    'streams  side  201→event: each stream p50 / p95 / max  last stream p50 / p95 / max  send→201 p50 / p95  send→last stream p50 / p95',
  );
  try {
    for (const n of STREAM_COUNTS) {
      const ourStreams = await openStreams(ours, n);
      const bareStreams = await openStreams(bareSide, n);
      try {
        const samples = {
          ours: { perStream: [], everyStream: [], answer: [], endToEnd: [] } as Samples,
          bare: { perStream: [], everyStream: [], answer: [], endToEnd: [] } as Samples,
        };
        for (let i = 0; i < WARMUP + SENDS; i++) {
          const text = `Message ${i + 1} : je passerai demain matin.`;
          const keep = i >= WARMUP;
          const first = i % 2 === 0;
          if (first) await round(ours, ourStreams, text, keep ? samples.ours : null);
          await round(bareSide, bareStreams, text, keep ? samples.bare : null);
          if (!first) await round(ours, ourStreams, text, keep ? samples.ours : null);
        }
        const summarise = (s: Samples): SideResult => ({
          perStream: spread(s.perStream),
          everyStream: spread(s.everyStream),
          answer: spread(s.answer),
          endToEnd: spread(s.endToEnd),
          beforeAnswer: s.perStream.filter((v) => v < 0).length / s.perStream.length,
        });
        const o = summarise(samples.ours);
        const b = summarise(samples.bare);
        const ratios = {
          perStreamP50: o.perStream.p50 / b.perStream.p50,
          perStreamP95: o.perStream.p95 / b.perStream.p95,
          everyStreamP50: o.everyStream.p50 / b.everyStream.p50,
          everyStreamP95: o.everyStream.p95 / b.everyStream.p95,
          endToEndP50: o.endToEnd.p50 / b.endToEnd.p50,
          endToEndP95: o.endToEnd.p95 / b.endToEnd.p95,
        };
        results[n] = { ours: o, bare: b, ratios };
        const line = (side: string, r: SideResult) =>
          `${String(n).padStart(7)}  ${side}  ${fmt(r.perStream).padEnd(36)}  ${fmt(r.everyStream).padEnd(28)}  ${`${ms(r.answer.p50)} / ${ms(r.answer.p95)}`.padEnd(17)}  ${ms(r.endToEnd.p50)} / ${ms(r.endToEnd.p95)}`;
        log(line('ours', o));
        log(line('bare', b));
        log(
          `${' '.repeat(7)}  ratio ours/bare: each stream p50 ${ratios.perStreamP50.toFixed(1)}, p95 ${ratios.perStreamP95.toFixed(1)}; last stream p50 ${ratios.everyStreamP50.toFixed(1)}, p95 ${ratios.everyStreamP95.toFixed(1)}; send→last stream p50 ${ratios.endToEndP50.toFixed(1)}, p95 ${ratios.endToEndP95.toFixed(1)}`,
        );
      } finally {
        await Promise.all([...ourStreams, ...bareStreams].map((s) => s.close()));
      }
    }
  } finally {
    await bare.close();
  }
  return results;
}

function bareSideOf(bare: BareSseServer): Side {
  return {
    openStream: () => TimedSseStream.open(`${bare.base}/events`, {}),
    async send(text) {
      const started = performance.now();
      const response = await fetch(`${bare.base}/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      const answered = performance.now();
      if (response.status !== 201) throw new Error(`bare send: ${response.status}`);
      await response.arrayBuffer();
      return { started, answered };
    },
    matches: (event) =>
      event.event === 'journal' && (JSON.parse(event.data) as { kind?: string }).kind === 'message.patient',
  };
}

/** The demo team, plus bench members up to PEOPLE, as RPPS numbers. */
async function team(store: TestStore): Promise<string[]> {
  const directory = createDirectoryStore(store.db);
  const members = await store.db
    .selectFrom('memberships')
    .select('rpps')
    .where('pharmacy_finess', '=', FINESS)
    .orderBy('rpps')
    .execute();
  const rpps = members.map((m) => m.rpps);
  for (let i = 0; rpps.length < PEOPLE; i++) {
    const added = rppsFrom(`19${String(i).padStart(8, '0')}`);
    await directory.saveProfessional(
      { rpps: added, familyName: 'Poste', givenName: `Banc ${i + 1}`, finess: FINESS, role: 'preparateur' },
      new Date().toISOString(),
    );
    rpps.push(added);
  }
  return rpps;
}

/** The app's side: the team's streams on `streamBase`, Camille's sends through `sendBase`. */
async function appSide(store: TestStore, streamBase: string, sendBase: string): Promise<Side> {
  const people = await Promise.all((await team(store)).map((r) => new Client(streamBase).login('pro', r)));
  const patient = await new Client(sendBase).login('patient', camille?.matricule ?? '');
  const conversationId = await patient.startConversation(FINESS);
  const url = `${sendBase}/api/patient/conversations/${conversationId}/messages`;
  return {
    openStream(index) {
      const person = people[index % people.length] as Client;
      return TimedSseStream.open(`${streamBase}${TEAM_EVENTS}`, {}, person.fetcher);
    },
    async send(text) {
      const started = performance.now();
      const response = await patient.browser.fetch(url, {
        method: 'POST',
        headers: { origin: sendBase, 'x-csrf-token': patient.csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      const answered = performance.now();
      if (response.status !== 201) throw new Error(`send: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      return { started, answered };
    },
    matches(event) {
      if (event.event !== 'journal') return false;
      const data = JSON.parse(event.data) as { kind?: string; conversationId?: string };
      return data.kind === 'message.patient' && data.conversationId === conversationId;
    },
  };
}

async function oneProcess(label: string) {
  const store = await openTestStore();
  const data = tempDir();
  await withDemo(store, systemClock);
  const server = await startServer({ store, dataDir: data.dir, env: ENV });
  try {
    return await compare(label, await appSide(store, server.base, server.base));
  } finally {
    await server.close();
    await store.dispose();
    data.remove();
  }
}

async function twoProcesses(label: string) {
  const store = await openTestStore();
  const dirs = [tempDir(), tempDir()];
  const env = {
    ...ENV,
    DATABASE_URL: store.url ?? '',
    AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    BLOB_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  try {
    a = await startServerProcess({ ...env, DATA_DIR: dirs[0]?.dir ?? '', DEMO_DATA: 'auto' });
    b = await startServerProcess({ ...env, DATA_DIR: dirs[1]?.dir ?? '', DEMO_DATA: 'off' });
    return await compare(label, await appSide(store, b.base, a.base));
  } finally {
    await b?.stop();
    await a?.stop();
    await store.dispose();
    for (const dir of dirs) dir.remove();
  }
}

const started = performance.now();
log(
  `Streams ${STREAM_COUNTS.join(', ')}; ${SENDS} sends each (after ${WARMUP} warm-up), app and bare interleaved. Times in ms.`,
);
const results: Record<string, unknown> = {};
const notes: string[] = [];
if (args.engine !== 'postgres') {
  const saved = process.env.TEST_DATABASE_URL;
  delete process.env.TEST_DATABASE_URL;
  results.sqlite = await oneProcess('SQLite, one process (the embedded default)');
  if (saved !== undefined) process.env.TEST_DATABASE_URL = saved;
}
if (args.engine !== 'sqlite') {
  if (!process.env.TEST_DATABASE_URL && !findPostgresBin()) {
    const note = 'PostgreSQL skipped: no server binaries under /usr/lib/postgresql/*/bin (initdb missing)';
    notes.push(note);
    log(`\n${note}.`);
  } else {
    const server = process.env.TEST_DATABASE_URL ? null : await startThrowawayPostgres();
    if (server) process.env.TEST_DATABASE_URL = server.url;
    try {
      results.postgres = await oneProcess('PostgreSQL, one process');
      results.postgresTwoProcesses = await twoProcesses(
        'PostgreSQL, two processes (streams on B, sends on A, LISTEN/NOTIFY)',
      );
    } finally {
      server?.stop();
    }
  }
}
const seconds = (performance.now() - started) / 1000;
const out = path.join(root, 'bench', 'results', 'realtime.json');
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      streams: STREAM_COUNTS,
      sends: SENDS,
      warmup: WARMUP,
      people: PEOPLE,
      unit: 'ms',
      seconds,
      notes,
      results,
    },
    null,
    2,
  )}\n`,
);
log(`\nResults written to ${path.relative(root, out)} (${seconds.toFixed(0)} s)`);
