import type { JournalEvent, StreamState } from '../shared/events.ts';

/**
 * The pharmacy's live journal (GET /api/pharmacies/:finess/events), with the same semantics as
 * web/shared/events.ts `openJournalStream` — `journal` events deduplicated by `seq`, `ready` when
 * the replay is done, `end` for good, a reopen with `?lastEventId=` after the browser gives up —
 * plus what the pharmacy stream's `ready` carries for the counter: the re-alert delay and the
 * opening hours (the shared client only passes `seq` on; a local copy keeps web/shared as is).
 * One difference: `end` with reason SHUTDOWN (a server restarting) reconnects after a pause, so a
 * counter left open through a deployment keeps its pop-up.
 */
export interface ReadyInfo {
  seq: number;
  /** Minutes before an unacknowledged alert rings again. */
  realertMinutes: number;
  /** The pharmacy's opening hours as published, e.g. `Lun–Sam 9h00–20h00`; null when unknown. */
  openingHours: string | null;
  /** False on the first `ready` of the page, true after a reconnection (its replay was missed live). */
  resumed: boolean;
}

export interface CounterStreamHandlers {
  /** `replay`: the event arrived before `ready` on the very first connection (history, not news). */
  onEvent(event: JournalEvent, replay: boolean): void;
  onReady?(info: ReadyInfo): void;
  onState?(state: StreamState, reason?: string): void;
}

export const DEFAULT_REALERT_MINUTES = 10;

export function openCounterStream(url: string, handlers: CounterStreamHandlers): { close(): void } {
  let lastSeq: number | null = null;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let failures = 0;
  let everReady = false;

  const connect = () => {
    const target = lastSeq === null ? url : `${url}${url.includes('?') ? '&' : '?'}lastEventId=${lastSeq}`;
    handlers.onState?.('connecting');
    source = new EventSource(target);
    source.addEventListener('journal', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as JournalEvent;
      if (lastSeq !== null && event.seq <= lastSeq) return;
      lastSeq = event.seq;
      handlers.onEvent(event, !everReady);
    });
    source.addEventListener('ready', (message) => {
      const data = JSON.parse((message as MessageEvent<string>).data) as {
        seq: number;
        realertMinutes?: unknown;
        openingHours?: unknown;
      };
      lastSeq = Math.max(lastSeq ?? 0, data.seq);
      failures = 0;
      const resumed = everReady;
      everReady = true;
      handlers.onState?.('live');
      handlers.onReady?.({
        seq: data.seq,
        realertMinutes:
          typeof data.realertMinutes === 'number' && data.realertMinutes > 0
            ? data.realertMinutes
            : DEFAULT_REALERT_MINUTES,
        openingHours: typeof data.openingHours === 'string' && data.openingHours ? data.openingHours : null,
        resumed,
      });
    });
    source.addEventListener('end', (message) => {
      const { reason } = JSON.parse((message as MessageEvent<string>).data) as { reason: string };
      source?.close();
      if (reason === 'SHUTDOWN') {
        // A server restarting (a deployment): the counter must come back by itself.
        handlers.onState?.('offline', reason);
        retry = setTimeout(connect, 2000 + Math.random() * 3000);
        return;
      }
      stopped = true;
      handlers.onState?.('ended', reason);
    });
    source.onerror = () => {
      if (stopped) return;
      handlers.onState?.('offline');
      if (source?.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status): reopen ourselves, backing off up to 30 s.
        failures += 1;
        retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
      }
    };
  };
  connect();
  return {
    close() {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    },
  };
}
