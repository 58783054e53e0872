import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The measuring side of bench/realtime.bench.ts, shared by the app and the bare baseline so that
 * both are read by the same code: a Server-Sent Events reader over fetch's streaming body that
 * stamps every event with the time its bytes came out of the body (performance.now(), before
 * parsing), and a bare node:http SSE server for the baseline.
 */
export interface TimedEvent {
  event: string;
  data: string;
  /** performance.now() when the chunk holding the event's end was read. */
  at: number;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export class TimedSseStream {
  private listener: ((event: TimedEvent) => void) | null = null;
  private readyResolve: () => void = () => {};
  /** Settles at the first `ready` event (the stream is live). */
  readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });
  readonly done: Promise<void>;

  private constructor(
    response: Response,
    private readonly abort: AbortController,
  ) {
    this.done = this.pump(response);
  }

  static async open(url: string, headers: Record<string, string>, fetcher: Fetch = fetch) {
    const abort = new AbortController();
    const response = await fetcher(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
      throw new Error(`not an event stream: ${response.status} ${await response.text()}`);
    }
    return new TimedSseStream(response, abort);
  }

  /** Every event from now on (one listener at a time). */
  onEvent(listener: ((event: TimedEvent) => void) | null): void {
    this.listener = listener;
  }

  private async pump(response: Response): Promise<void> {
    const body = response.body;
    if (!body) return;
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const at = performance.now();
        buffer += decoder.decode(value, { stream: true });
        // Our servers and the bare one write `\n` line ends only.
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trimStart();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length === 0) continue;
          if (event === 'ready') this.readyResolve();
          this.listener?.({ event, data: data.join('\n'), at });
        }
      }
    } catch {
      // Aborted by close(), or the connection broke.
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/**
 * The baseline: a node:http server that keeps its event streams in a set and, on `POST /send`,
 * reads the body, answers 201, then writes one small journal-like event to every stream in the
 * same tick — no session, no database, no journal read. `GET /events` answers `retry` and a
 * `ready` event at once.
 */
export interface BareSseServer {
  base: string;
  readonly streams: number;
  close(): Promise<void>;
}

export async function startBareSseServer(): Promise<BareSseServer> {
  const streams = new Set<http.ServerResponse>();
  let seq = 0;
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`retry: 2000\n\nid: ${seq}\nevent: ready\ndata: ${JSON.stringify({ seq })}\n\n`);
      streams.add(response);
      response.on('close', () => streams.delete(response));
      return;
    }
    if (request.method === 'POST' && request.url === '/send') {
      request.resume();
      request.on('end', () => {
        seq += 1;
        const at = new Date().toISOString();
        response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ seq }));
        const data = { seq, kind: 'message.patient', conversationId: 'bare', at };
        const event = `id: ${seq}\nevent: journal\ndata: ${JSON.stringify(data)}\n\n`;
        for (const stream of streams) stream.write(event);
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    get streams() {
      return streams.size;
    },
    close: async () => {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
