import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from '../db/schema.ts';
import { createSubscribers, type JournalBus, type JournalHint } from './bus.ts';

/**
 * The bus between processes sharing one PostgreSQL database: hints are published with
 * `pg_notify('officine_journal', …)` on the store's pool, once the action's transaction has
 * committed, and received by one dedicated connection per process doing `LISTEN officine_journal`.
 * The payload is one `<stream key> <seq>` line per hint (keys hold no NIR: see bus.ts).
 *
 * The listening connection opens with the first subscription (a command-line run that never
 * streams holds none). When it drops — or stops answering the periodic ping — it reconnects with
 * a growing delay; once listening again, every subscriber re-reads its journal, since hints sent
 * in between are lost. A hint published here is also delivered to this process's subscribers
 * directly, so local streams do not depend on the round trip.
 */
export const JOURNAL_CHANNEL = 'officine_journal';
/** NOTIFY payloads must stay under 8000 bytes: a few hints per notification is plenty. */
const HINTS_PER_NOTIFY = 50;

export type BusLog = (level: 'warn' | 'info', fields: Record<string, unknown>, message: string) => void;

export interface PostgresBusOptions {
  /** Where hints are published: the store's Kysely instance. */
  db: Kysely<Schema>;
  /** The dedicated listening connection (connection string, ssl…). */
  client: pg.ClientConfig;
  /** Non-personal lines only (error codes, attempt counts). */
  log?: BusLog;
  /** Reconnection delay: doubles from `firstMs` up to `maxMs`. */
  backoff?: { firstMs: number; maxMs: number };
  /** How often the listening connection is checked with `select 1` (and how long it may take). */
  pingMs?: number;
}

export function encodeHints(hints: readonly JournalHint[]): string {
  return hints.map((h) => `${h.key} ${h.seq}`).join('\n');
}

export function decodeHints(payload: string): JournalHint[] {
  const hints: JournalHint[] = [];
  for (const line of payload.split('\n')) {
    const space = line.lastIndexOf(' ');
    const seq = Number(line.slice(space + 1));
    if (space > 0 && Number.isSafeInteger(seq) && seq > 0) hints.push({ key: line.slice(0, space), seq });
  }
  return hints;
}

const errorCode = (error: unknown) =>
  (error as { code?: unknown })?.code ?? (error instanceof Error ? error.name : 'unknown');

export function createPostgresBus(options: PostgresBusOptions): JournalBus {
  const log: BusLog = options.log ?? (() => {});
  const backoff = options.backoff ?? { firstMs: 250, maxMs: 10_000 };
  const pingMs = options.pingMs ?? 30_000;
  const subscribers = createSubscribers((error) =>
    log('warn', { code: errorCode(error) }, 'journal bus subscriber failed'),
  );
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let ping: ReturnType<typeof setInterval> | null = null;
  let failures = 0;
  let closed = false;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== JOURNAL_CHANNEL || !message.payload) return;
    for (const hint of decodeHints(message.payload)) subscribers.deliver(hint.key, hint.seq);
  };

  /** Forgets a connection that failed, and plans the next one. */
  const drop = (lost: pg.Client, error?: unknown) => {
    if (client !== lost) return;
    client = null;
    if (ping) clearInterval(ping);
    ping = null;
    lost.end().catch(() => {});
    if (closed) return;
    log('warn', { code: error === undefined ? 'ENDED' : errorCode(error) }, 'journal bus connection lost');
    schedule();
  };

  const schedule = () => {
    if (closed || retry) return;
    const delay = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(failures, 16));
    failures += 1;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    retry.unref();
  };

  const checkAlive = (listening: pg.Client) => {
    let answered = false;
    const timer = setTimeout(() => {
      if (!answered) drop(listening, new Error('ping timeout'));
    }, pingMs);
    timer.unref();
    listening
      .query('select 1')
      .then(() => {
        answered = true;
        clearTimeout(timer);
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        drop(listening, error);
      });
  };

  const connect = (): Promise<void> => {
    if (closed || client || retry) return Promise.resolve();
    connecting ??= (async () => {
      // Bounded: a connect or LISTEN that hangs must not hold the reconnect loop (or close()).
      const candidate = new pg.Client({
        application_name: 'officine-journal-bus',
        connectionTimeoutMillis: pingMs,
        query_timeout: pingMs,
        keepAlive: true,
        ...options.client,
      });
      candidate.on('error', (error) => drop(candidate, error));
      candidate.on('end', () => drop(candidate));
      candidate.on('notification', onNotification);
      try {
        await candidate.connect();
        await candidate.query(`LISTEN ${JOURNAL_CHANNEL}`);
      } catch (error) {
        candidate.end().catch(() => {});
        if (!closed) {
          log('warn', { code: errorCode(error), attempt: failures + 1 }, 'journal bus cannot listen');
          schedule();
        }
        return;
      }
      if (closed) {
        await candidate.end().catch(() => {});
        return;
      }
      client = candidate;
      if (failures > 0) log('info', { attempts: failures }, 'journal bus listening again');
      failures = 0;
      ping = setInterval(() => checkAlive(candidate), pingMs);
      ping.unref();
      // Whatever was published while we were not listening is lost: every stream re-reads.
      subscribers.resyncAll();
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  return {
    publish(hints) {
      if (closed || hints.length === 0) return;
      const copy = hints.map((h) => ({ ...h }));
      queueMicrotask(() => {
        for (const hint of copy) subscribers.deliver(hint.key, hint.seq);
      });
      for (let i = 0; i < copy.length; i += HINTS_PER_NOTIFY) {
        const payload = encodeHints(copy.slice(i, i + HINTS_PER_NOTIFY));
        sql`select pg_notify(${JOURNAL_CHANNEL}, ${payload})`
          .execute(options.db)
          .catch((error: unknown) => log('warn', { code: errorCode(error) }, 'journal hint not published'));
      }
    },

    subscribe(key, listener) {
      const unsubscribe = subscribers.add(key, listener);
      void connect();
      return unsubscribe;
    },

    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (ping) clearInterval(ping);
      retry = null;
      ping = null;
      await connecting;
      const last = client;
      client = null;
      await last?.end().catch(() => {});
    },
  };
}
