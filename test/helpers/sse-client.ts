/**
 * A Server-Sent Events reader for tests, over fetch's streaming body: events are parsed as the
 * HTML standard says (fields, `:` comments, blank-line dispatch) and handed out in order. Every
 * wait is on the stream itself, bounded by a failure timeout; nothing sleeps.
 */
export interface SseEvent {
  /** `message` when the event has no `event:` field. */
  event: string;
  data: string;
  /** The `id:` field of this event, or null. */
  id: string | null;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

const WAIT_MS = 15_000;

export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** The `retry:` value last received, if any. */
  retry: number | null = null;
  private read = 0;
  private readComments = 0;
  private ended = false;
  private wake: (() => void) | null = null;
  /** Settles when the server ends the body (or the connection breaks). */
  readonly done: Promise<void>;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.done = this.pump();
  }

  get status(): number {
    return this.response.status;
  }

  /** Whether the body has ended. */
  get closed(): boolean {
    return this.ended;
  }

  private async pump(): Promise<void> {
    const body = this.response.body;
    if (!body) return this.finish();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = { event: '', data: [] as string[], id: null as string | null };
    const reader = body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline = buffer.search(/\r\n|\r|\n/);
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          newline = buffer.search(/\r\n|\r|\n/);
          if (line === '') {
            if (event.data.length > 0) {
              this.events.push({
                event: event.event || 'message',
                data: event.data.join('\n'),
                id: event.id,
              });
            }
            event = { event: '', data: [], id: null };
            this.notify();
            continue;
          }
          if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
            this.notify();
            continue;
          }
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event.event = value;
          else if (field === 'data') event.data.push(value);
          else if (field === 'id') event.id = value;
          else if (field === 'retry') this.retry = Number(value);
        }
      }
    } catch {
      // Aborted by close(), or the connection broke: the stream is over either way.
    }
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async waitUntil<T>(found: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = found();
      if (value !== undefined) return value;
      if (this.ended) throw new Error(`stream ended while waiting for ${what}; got ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private describe(): string {
    return JSON.stringify(this.events.map((e) => `${e.event}${e.id === null ? '' : `#${e.id}`} ${e.data}`));
  }

  /** The next event not handed out yet, waiting for it. */
  next(timeoutMs = WAIT_MS): Promise<SseEvent> {
    return this.waitUntil(
      () => {
        const event = this.events[this.read];
        if (event) this.read += 1;
        return event;
      },
      'event',
      timeoutMs,
    );
  }

  /** Skips events until one of this type (handed out, with the ones skipped). */
  async until(type: string, timeoutMs = WAIT_MS): Promise<{ event: SseEvent; skipped: SseEvent[] }> {
    const skipped: SseEvent[] = [];
    for (;;) {
      const event = await this.next(timeoutMs);
      if (event.event === type) return { event, skipped };
      skipped.push(event);
    }
  }

  /** The next comment line (`: ping`) not handed out yet. */
  nextComment(timeoutMs = WAIT_MS): Promise<string> {
    return this.waitUntil(
      () => {
        const comment = this.comments[this.readComments];
        if (comment !== undefined) this.readComments += 1;
        return comment;
      },
      'comment',
      timeoutMs,
    );
  }

  /** Waits until the server ends the stream. */
  async waitForEnd(timeoutMs = WAIT_MS): Promise<void> {
    await this.waitUntil(() => (this.ended ? true : undefined), 'end of stream', timeoutMs);
  }

  /** Events handed out or not, of one type, parsed. */
  parsed<T = Record<string, unknown>>(type: string): T[] {
    return this.events.filter((e) => e.event === type).map((e) => JSON.parse(e.data) as T);
  }

  /** Drops the connection, as a closed tab or a crashed workstation would. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/**
 * Connects: an event stream, or — when the server answers otherwise (an error) — the response,
 * to read with `response.json()`.
 */
export async function connectSse(
  url: string,
  headers: Record<string, string> = {},
  fetcher: Fetch = fetch,
): Promise<SseStream | Response> {
  const abort = new AbortController();
  const response = await fetcher(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return response;
  }
  return new SseStream(response, abort);
}

/** Opens an event stream; fails with the server's answer when it is not one. */
export async function openSse(
  url: string,
  headers: Record<string, string> = {},
  fetcher: Fetch = fetch,
): Promise<SseStream> {
  const result = await connectSse(url, headers, fetcher);
  if (result instanceof SseStream) return result;
  throw new Error(`not an event stream: ${result.status} ${await result.text()}`);
}
