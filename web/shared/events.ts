/**
 * The live journal of a mailbox or of a patient, over Server-Sent Events
 * (GET /api/pharmacies/:finess/events, GET /api/patient/events).
 *
 * Every journal entry arrives as `event: journal`, `id: <seq>`, data
 * `{ seq, kind, conversationId, at }` (ids and counters only: content is fetched through the API);
 * `event: ready` says the replay is done and the stream is live (its data: `seq`, and whatever the
 * stream adds — the pharmacy's re-alert delay and opening hours); `event: end` data `{ reason }`
 * says the server closed it: for good (session ended, replaced by a newer stream), or, with
 * SHUTDOWN, because that server is restarting — then this reconnects after a pause.
 * The browser's EventSource reconnects by itself and sends Last-Event-ID; when it gives up (the
 * server answered an error), this asks GET /api/me whether the session still holds: a 401 (it
 * expired overnight, say) ends the stream as `SESSION_ENDED`; otherwise this reopens after a
 * pause with `?lastEventId=` so nothing is missed.
 */
export interface JournalEvent {
  seq: number;
  kind: string;
  conversationId: string;
  at: string;
}

export type StreamState = 'connecting' | 'live' | 'offline' | 'ended';

export interface ReadyEvent {
  seq: number;
  /** False on the page's first `ready`, true after a reconnection (what it replayed was missed live). */
  resumed: boolean;
  /** The whole `ready` payload, for what a stream adds to `seq`. */
  data: Record<string, unknown>;
}

export interface StreamHandlers {
  /** `replay`: the entry came before the page's first `ready` (history, not news). */
  onEvent(event: JournalEvent, replay: boolean): void;
  /** The replay is done and the stream is live: a good moment to refresh lists. */
  onReady?(ready: ReadyEvent): void;
  onState?(state: StreamState, reason?: string): void;
}

/** Whether the server says the session is gone (401); a network failure is not an answer. */
async function sessionEnded(): Promise<boolean> {
  try {
    const response = await fetch('/api/me', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    return response.status === 401;
  } catch {
    return false;
  }
}

export function openJournalStream(url: string, handlers: StreamHandlers): { close(): void } {
  let lastSeq: number | null = null;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let everReady = false;
  let failures = 0;

  const reopen = (delayMs: number) => {
    retry = setTimeout(connect, delayMs);
  };

  function connect() {
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
      const data = JSON.parse((message as MessageEvent<string>).data) as Record<string, unknown>;
      const seq = typeof data.seq === 'number' ? data.seq : 0;
      lastSeq = Math.max(lastSeq ?? 0, seq);
      failures = 0;
      const resumed = everReady;
      everReady = true;
      handlers.onState?.('live');
      handlers.onReady?.({ seq, resumed, data });
    });
    source.addEventListener('end', (message) => {
      const { reason } = JSON.parse((message as MessageEvent<string>).data) as { reason: string };
      source?.close();
      if (reason === 'SHUTDOWN') {
        // A server restarting (a deployment): come back by itself, spread over a few seconds.
        handlers.onState?.('offline', reason);
        reopen(2000 + Math.random() * 3000);
        return;
      }
      stopped = true;
      handlers.onState?.('ended', reason);
    });
    source.onerror = () => {
      if (stopped) return;
      handlers.onState?.('offline');
      if (source?.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status): an ended session is for good; anything else,
        // reopen ourselves, backing off up to 30 s.
        failures += 1;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures, 5));
        void sessionEnded().then((ended) => {
          if (stopped) return;
          if (ended) {
            stopped = true;
            handlers.onState?.('ended', 'SESSION_ENDED');
          } else reopen(delay);
        });
      }
    };
  }

  connect();
  return {
    close() {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    },
  };
}
