/**
 * The live journal of a mailbox or of a patient, over Server-Sent Events
 * (GET /api/pharmacies/:finess/events, GET /api/patient/events).
 *
 * Every journal entry arrives as `event: journal`, `id: <seq>`, data
 * `{ seq, kind, conversationId, at }` (ids and counters only: content is fetched through the API);
 * `event: ready` data `{ seq }` says the replay is done and the stream is live; `event: end` data
 * `{ reason }` says the server closed it for good (session ended, replaced by a newer stream).
 * The browser's EventSource reconnects by itself and sends Last-Event-ID; when it gives up (the
 * server answered an error), this reopens after a pause with `?lastEventId=` so nothing is missed.
 */
export interface JournalEvent {
  seq: number;
  kind: string;
  conversationId: string;
  at: string;
}

export type StreamState = 'connecting' | 'live' | 'offline' | 'ended';

export interface StreamHandlers {
  onEvent(event: JournalEvent): void;
  /** The replay is done and the stream is live at `seq`: a good moment to refresh lists. */
  onReady?(seq: number): void;
  onState?(state: StreamState, reason?: string): void;
}

export function openJournalStream(url: string, handlers: StreamHandlers): { close(): void } {
  let lastSeq: number | null = null;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let failures = 0;

  const connect = () => {
    const target = lastSeq === null ? url : `${url}${url.includes('?') ? '&' : '?'}lastEventId=${lastSeq}`;
    handlers.onState?.('connecting');
    source = new EventSource(target);
    source.addEventListener('journal', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as JournalEvent;
      if (lastSeq !== null && event.seq <= lastSeq) return;
      lastSeq = event.seq;
      handlers.onEvent(event);
    });
    source.addEventListener('ready', (message) => {
      const { seq } = JSON.parse((message as MessageEvent<string>).data) as { seq: number };
      lastSeq = Math.max(lastSeq ?? 0, seq);
      failures = 0;
      handlers.onState?.('live');
      handlers.onReady?.(seq);
    });
    source.addEventListener('end', (message) => {
      const { reason } = JSON.parse((message as MessageEvent<string>).data) as { reason: string };
      stopped = true;
      source?.close();
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
