import type { JournalBus } from './bus.ts';
import type { JournalEntry } from './journal.ts';

/**
 * One open event stream (Server-Sent Events) of a mailbox's or a patient's journal (design note
 * §3.3). On the wire:
 *
 *   retry: 2000                                      once, first
 *   id: 7 / event: journal / data: {"seq":7,"kind":"message.patient","conversationId":"…","at":"…"}
 *   id: 7 / event: ready / data: {"seq":7,…}         once the replay is done; the stream is live
 *   : ping                                           every heartbeat
 *   event: end / data: {"reason":"SESSION_ENDED"}    before the server closes it for good
 *
 * Without `Last-Event-ID` the stream starts at the journal's head; with it (N), every entry after
 * N is replayed first, page by page. Then each bus hint for the stream — and each heartbeat, in
 * case a hint was lost — reads the journal after the last sent seq: reads are serialised, so
 * entries go out once each, in order. Before anything is sent, and at every heartbeat, the feed
 * says whether the person may still see the stream; when not, it ends with `SESSION_ENDED`.
 * Events carry ids, kinds and times only, never names or text.
 *
 * When the client stops reading (the socket's buffer stays full longer than `drainTimeoutMs`),
 * the connection is dropped rather than buffered: the client resumes with Last-Event-ID.
 */
export type EndReason = 'SESSION_ENDED' | 'REPLACED' | 'SHUTDOWN';

/** Where a stream writes: an HTTP response, as far as this module needs it. */
export interface SseSink {
  /** Queues text; false when the buffer is over its mark. */
  write(chunk: string): boolean;
  /** Whether the buffer is still over its mark. */
  readonly backedUp: boolean;
  /** True once the buffer is under its mark again; false when closed or not within `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
  /** Ends the response, then the connection, after what is queued. */
  end(): void;
  /** Drops the connection at once. */
  destroy(): void;
  /** Called once when the connection closes, whoever closed it. */
  onClose(listener: () => void): void;
}

export interface JournalFeed {
  /** The stream's bus key (bus.ts). */
  key: string;
  /** The last seq of the journal (0 when empty). */
  head(): Promise<number>;
  /** Entries after `afterSeq`, oldest first, at most `limit`. */
  read(afterSeq: number, limit: number): Promise<JournalEntry[]>;
  /** Whether the person may still see this stream (session alive, still a member…). */
  allowed(): Promise<boolean>;
  /** More fields of the `ready` event's data. */
  ready?: Record<string, unknown>;
}

export interface StreamOptions {
  bus: Pick<JournalBus, 'subscribe'>;
  heartbeatMs: number;
  /** The client's reconnection delay (`retry:`). */
  retryMs?: number;
  pageSize?: number;
  /** How long a full buffer may take to drain before the connection is dropped. */
  drainTimeoutMs?: number;
  /** A read or check failed: the connection is dropped (the client resumes). No personal data. */
  onError?: (error: unknown) => void;
}

export interface OpenStream {
  /** Sends `event: end` with the reason, then closes. Nothing happens once closed. */
  end(reason: EndReason): void;
  /** Settles once the stream is over, closed by either side. */
  readonly closed: Promise<void>;
  /** The last seq sent (or the start point). */
  readonly seq: number;
}

export const RETRY_MS = 2000;
const PAGE_SIZE = 200;

export function journalEvent(entry: JournalEntry): string {
  const data = { seq: entry.seq, kind: entry.kind, conversationId: entry.ref, at: entry.at };
  return `id: ${entry.seq}\nevent: journal\ndata: ${JSON.stringify(data)}\n\n`;
}

export function endEvent(reason: EndReason): string {
  return `event: end\ndata: ${JSON.stringify({ reason })}\n\n`;
}

export function startJournalStream(
  sink: SseSink,
  feed: JournalFeed,
  lastEventId: number | null,
  options: StreamOptions,
): OpenStream {
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const drainTimeoutMs = options.drainTimeoutMs ?? Math.max(10_000, 2 * options.heartbeatMs);
  let cursor = 0;
  let over = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const finish = () => {
    if (over) return;
    over = true;
    unsubscribe();
    clearInterval(heartbeat);
    resolveClosed();
  };
  const end = (reason: EndReason) => {
    if (over) return;
    sink.write(endEvent(reason));
    finish();
    sink.end();
  };
  const drop = (error?: unknown) => {
    if (over) return;
    if (error !== undefined) options.onError?.(error);
    finish();
    sink.destroy();
  };

  /** Sends what the journal holds after the cursor; `check`: ask the feed first even if nothing is new. */
  const pump = async (check: boolean) => {
    if (check && !(await feed.allowed())) return end('SESSION_ENDED');
    for (;;) {
      if (over) return;
      if (sink.backedUp && !(await sink.drained(drainTimeoutMs))) return drop();
      const entries = await feed.read(cursor, pageSize);
      if (over || entries.length === 0) return;
      if (!check && !(await feed.allowed())) return end('SESSION_ENDED');
      if (over) return;
      check = false;
      sink.write(entries.map(journalEvent).join(''));
      cursor = entries.at(-1)?.seq ?? cursor;
      if (entries.length < pageSize) return;
    }
  };

  // Reads run one after another; requests made meanwhile collapse into one more read.
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  let queuedCheck = false;
  const schedule = (check: boolean) => {
    queuedCheck ||= check;
    if (queued || over) return;
    queued = true;
    chain = chain
      .then(() => {
        queued = false;
        const withCheck = queuedCheck;
        queuedCheck = false;
        return pump(withCheck);
      })
      .catch(drop);
  };

  sink.write(`retry: ${options.retryMs ?? RETRY_MS}\n\n`);
  // Listen before reading the head: a hint sent in between is not missed.
  const unsubscribe = options.bus.subscribe(feed.key, (seq) => {
    if (seq === null || seq > cursor) schedule(false);
  });
  const heartbeat = setInterval(() => {
    if (over) return;
    if (!sink.backedUp) sink.write(': ping\n\n');
    schedule(true);
  }, options.heartbeatMs);
  sink.onClose(finish);

  chain = (async () => {
    const head = await feed.head();
    cursor = lastEventId === null ? head : Math.min(lastEventId, head);
    await pump(true);
    if (over) return;
    sink.write(`id: ${cursor}\nevent: ready\ndata: ${JSON.stringify({ seq: cursor, ...feed.ready })}\n\n`);
  })().catch(drop);

  return {
    end,
    closed,
    get seq() {
      return cursor;
    },
  };
}
