import type { Clock } from '../time/clock.ts';
import { clientPrefix } from './client-prefix.ts';
import type { AuditEntry, AuditTrail } from './trail.ts';

/**
 * Refusals of unauthenticated callers, without one audit record each (design note §3.8: a
 * stranger sending 2,000 bad tokens must not write 2,000 records). Per client (its address, the
 * /64 of an IPv6 one — client-prefix.ts), action, result and reason, the first refusal of a window
 * is recorded at once; the next ones in that window are only counted, and written as one summary
 * record (same action, result and reason, `count` = how many — the one recorded at once not
 * included, so that records plus counts add up to the refusals — `window_start` = when the window
 * began, `at` = when it was written) once the window closes, or when the recorder closes (server
 * shutdown). The summary's target is the refusals' target when they all shared one, else null;
 * its request id is null (the first refusal's record has its own).
 *
 * Memory is bounded: at most `maxTracked` clients are followed at once; refusals from any other
 * client while the table is full are counted together under one "other" key per action, result
 * and reason, with the same rule. Client addresses are never written to the trail.
 *
 * Refusals by an identified actor (a patient, a professional, a credential) are recorded one by
 * one, as before: they are attributable and bounded by the rate limits of who they are.
 */
export interface RefusalRecorder {
  /** Records a refusal, or counts it in its client's open window. */
  record(entry: AuditEntry, clientAddress: string): Promise<void>;
  /** Writes the summaries of the windows closed by now (the timer calls it). */
  flushExpired(): Promise<void>;
  /** Writes every pending summary and stops the timer; later refusals are recorded one by one. */
  close(): Promise<void>;
}

/** Arms a one-shot timer and returns its cancel function. */
export type Schedule = (delayMs: number, run: () => void) => () => void;

export interface RefusalRecorderOptions {
  audit: AuditTrail;
  clock: Clock;
  windowSeconds: number;
  /** Clients followed at once (default 1,000); beyond, they share the "other" key. */
  maxTracked?: number;
  /** Default: setTimeout, unref'd (a pending summary never keeps the process alive). */
  schedule?: Schedule;
  /** A summary written by the timer failed (a closed store, say). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_MAX_TRACKED_CLIENTS = 1000;

const realSchedule: Schedule = (delayMs, run) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

interface Window {
  start: Date;
  /** Refusals counted since the one recorded at once. */
  count: number;
  /** The shared target so far; null when none or when they differ. */
  target: string | null;
  entry: AuditEntry;
  other: boolean;
}

export function createRefusalRecorder(options: RefusalRecorderOptions): RefusalRecorder {
  const { audit, clock } = options;
  const windowMs = options.windowSeconds * 1000;
  const maxTracked = options.maxTracked ?? DEFAULT_MAX_TRACKED_CLIENTS;
  const schedule = options.schedule ?? realSchedule;
  // Insertion order is start order: the first window is the first to close.
  const windows = new Map<string, Window>();
  let tracked = 0;
  let cancelTimer: (() => void) | null = null;
  let closed = false;

  const summary = (w: Window): AuditEntry => ({
    actor: { kind: 'anonymous' },
    action: w.entry.action,
    target: w.target,
    requestId: null,
    result: w.entry.result,
    reason: w.entry.reason ?? null,
    count: w.count,
    windowStart: w.start,
  });

  /** Takes the window out at once; returns the write of its summary, if it counted any. */
  const end = (key: string, w: Window): (() => Promise<void>) | null => {
    windows.delete(key);
    if (!w.other) tracked -= 1;
    return w.count > 0 ? () => audit.record(summary(w)) : null;
  };

  const arm = () => {
    if (cancelTimer || closed) return;
    const first = windows.values().next();
    if (first.done) return;
    const delay = Math.max(0, first.value.start.getTime() + windowMs - clock.now().getTime());
    cancelTimer = schedule(delay, () => {
      cancelTimer = null;
      recorder.flushExpired().catch((error: unknown) => options.onError?.(error));
    });
  };

  const expired = (w: Window, now: number) => now - w.start.getTime() >= windowMs;

  /** Every summary is attempted, even after one failed; the first failure is then thrown. */
  const writeAll = async (writes: ((() => Promise<void>) | null)[]) => {
    const failures: unknown[] = [];
    for (const write of writes) await write?.().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };

  const recorder: RefusalRecorder = {
    async record(entry, clientAddress) {
      if (entry.actor.kind !== 'anonymous' || closed) return audit.record(entry);
      const now = clock.now();
      // Decided synchronously, so that concurrent refusals of one client see one window; the
      // writes come after, in order.
      const writes: (() => Promise<void>)[] = [];
      const openWindow = (key: string) => {
        const w = windows.get(key);
        const written = w && expired(w, now.getTime()) ? end(key, w) : null;
        if (written) writes.push(written);
        return windows.get(key);
      };
      const codes = `${entry.action} ${entry.result} ${entry.reason ?? '-'}`;
      let key = `${clientPrefix(clientAddress)} ${codes}`;
      let current = openWindow(key);
      const other = !current && tracked >= maxTracked;
      if (other) {
        key = `other ${codes}`;
        current = openWindow(key);
      }
      if (current) {
        current.count += 1;
        if (current.target !== (entry.target ?? null)) current.target = null;
      } else {
        windows.set(key, { start: now, count: 0, target: entry.target ?? null, entry, other });
        if (!other) tracked += 1;
        arm();
        writes.push(() => audit.record(entry));
      }
      for (const write of writes) await write();
    },

    async flushExpired() {
      const now = clock.now().getTime();
      const writes = [...windows].map(([key, w]) => (expired(w, now) ? end(key, w) : null));
      arm();
      await writeAll(writes);
    },

    async close() {
      closed = true;
      cancelTimer?.();
      cancelTimer = null;
      await writeAll([...windows].map(([key, w]) => end(key, w)));
    },
  };
  return recorder;
}
