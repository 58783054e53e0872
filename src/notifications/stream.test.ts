import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { JournalEntry } from './journal.ts';
import { createMemoryBus } from './memory-bus.ts';
import { type JournalFeed, type SseSink, startJournalStream } from './stream.ts';
import { createStreamRegistry } from './stream-registry.ts';

/** A sink that records what the stream writes and lets the test say when it changes. */
class FakeSink extends EventEmitter implements SseSink {
  text = '';
  backedUp = false;
  ended = false;
  destroyed = false;
  private closeListeners: (() => void)[] = [];

  write(chunk: string): boolean {
    this.text += chunk;
    this.emit('written');
    return !this.backedUp;
  }
  drained(timeoutMs: number): Promise<boolean> {
    if (!this.backedUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.once('drain', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  end(): void {
    this.ended = true;
    this.close();
  }
  destroy(): void {
    this.destroyed = true;
    this.close();
  }
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }
  close(): void {
    for (const l of this.closeListeners.splice(0)) l();
    this.emit('closed');
  }
  /** Resolves once the written text matches. */
  async until(pattern: RegExp): Promise<string> {
    while (!pattern.test(this.text)) await new Promise((resolve) => this.once('written', resolve));
    return this.text;
  }
  events(type: string): Record<string, unknown>[] {
    return [...this.text.matchAll(new RegExp(`event: ${type}\\ndata: (.*)\\n\\n`, 'g'))].map(
      (m) => JSON.parse(m[1] ?? '') as Record<string, unknown>,
    );
  }
}

function journal(count: number) {
  const entries: JournalEntry[] = [];
  const add = () => {
    const seq = entries.length + 1;
    entries.push({ seq, kind: 'message.patient', ref: `c${seq}`, at: '2026-03-15T10:00:00.000Z' });
    return seq;
  };
  for (let i = 0; i < count; i++) add();
  let allowed = true;
  const feed: JournalFeed = {
    key: 'm:test',
    head: async () => entries.length,
    read: async (after, limit) => entries.filter((e) => e.seq > after).slice(0, limit),
    allowed: async () => allowed,
    ready: { extra: 1 },
  };
  return { entries, add, feed, deny: () => (allowed = false) };
}

const LONG = 60_000;

describe('journal stream', () => {
  it('starts at the head without Last-Event-ID, then sends each hinted entry once, in order', async () => {
    const bus = createMemoryBus();
    const j = journal(3);
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, null, { bus, heartbeatMs: LONG });
    await sink.until(/event: ready/);
    assert.match(sink.text, /^retry: 2000\n\n/);
    assert.deepEqual(sink.events('ready'), [{ seq: 3, extra: 1 }]);
    assert.deepEqual(sink.events('journal'), []);
    const a = j.add();
    const b = j.add();
    bus.publish([{ key: 'm:test', seq: a }]);
    bus.publish([{ key: 'm:test', seq: b }]);
    bus.publish([{ key: 'm:test', seq: b }]);
    bus.publish([{ key: 'm:other', seq: 99 }]);
    await sink.until(/id: 5\n/);
    assert.deepEqual(
      sink.events('journal').map((e) => e.seq),
      [4, 5],
    );
    assert.match(
      sink.text,
      /id: 4\nevent: journal\ndata: \{"seq":4,"kind":"message.patient","conversationId":"c4","at":"[^"]+"\}\n\n/,
    );
    stream.end('SHUTDOWN');
    assert.deepEqual(sink.events('end'), [{ reason: 'SHUTDOWN' }]);
    assert.equal(sink.ended, true);
    await stream.closed;
  });

  it('replays everything after Last-Event-ID, page by page, before ready', async () => {
    const bus = createMemoryBus();
    const j = journal(12);
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, 4, { bus, heartbeatMs: LONG, pageSize: 5 });
    await sink.until(/event: ready/);
    assert.deepEqual(
      sink.events('journal').map((e) => e.seq),
      [5, 6, 7, 8, 9, 10, 11, 12],
    );
    assert.match(sink.text, /id: 12\nevent: ready\ndata: \{"seq":12,"extra":1\}/);
    stream.end('SHUTDOWN');
  });

  it('a Last-Event-ID beyond the head starts at the head', async () => {
    const j = journal(2);
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, 50, { bus: createMemoryBus(), heartbeatMs: LONG });
    await sink.until(/event: ready/);
    assert.deepEqual(sink.events('ready'), [{ seq: 2, extra: 1 }]);
    stream.end('SHUTDOWN');
  });

  it('re-reads on a resync (hints may have been lost) and at each heartbeat', async () => {
    const j = journal(0);
    const listeners: ((seq: number | null) => void)[] = [];
    const bus = {
      subscribe: (_key: string, listener: (seq: number | null) => void) => {
        listeners.push(listener);
        return () => {};
      },
    };
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, null, { bus, heartbeatMs: LONG });
    await sink.until(/event: ready/);
    j.add();
    for (const l of listeners) l(null);
    await sink.until(/id: 1\nevent: journal/);
    stream.end('SHUTDOWN');

    const quick = new FakeSink();
    const silent = { subscribe: () => () => {} };
    const lost = startJournalStream(quick, j.feed, null, { bus: silent, heartbeatMs: 20 });
    await quick.until(/event: ready/);
    j.add();
    await quick.until(/id: 2\nevent: journal/);
    assert.match(quick.text, /: ping\n\n/);
    lost.end('SHUTDOWN');
  });

  it('ends with SESSION_ENDED when the feed no longer allows it, before sending anything more', async () => {
    const bus = createMemoryBus();
    const j = journal(1);
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, null, { bus, heartbeatMs: LONG });
    await sink.until(/event: ready/);
    j.deny();
    bus.publish([{ key: 'm:test', seq: j.add() }]);
    await stream.closed;
    assert.deepEqual(sink.events('end'), [{ reason: 'SESSION_ENDED' }]);
    assert.deepEqual(sink.events('journal'), []);
  });

  it('drops the connection when the client stops reading, instead of buffering', async () => {
    const bus = createMemoryBus();
    const j = journal(0);
    const sink = new FakeSink();
    const stream = startJournalStream(sink, j.feed, null, { bus, heartbeatMs: LONG, drainTimeoutMs: 30 });
    await sink.until(/event: ready/);
    sink.backedUp = true;
    bus.publish([{ key: 'm:test', seq: j.add() }]);
    await stream.closed;
    assert.equal(sink.destroyed, true);
    assert.deepEqual(sink.events('journal'), []);
  });

  it('a closed connection stops the stream and its subscription', async () => {
    const bus = createMemoryBus();
    let subscribed = 0;
    const counting = {
      subscribe: (key: string, listener: (seq: number | null) => void) => {
        subscribed += 1;
        const off = bus.subscribe(key, listener);
        return () => {
          subscribed -= 1;
          off();
        };
      },
    };
    const sink = new FakeSink();
    const stream = startJournalStream(sink, journal(0).feed, null, { bus: counting, heartbeatMs: LONG });
    await sink.until(/event: ready/);
    assert.equal(subscribed, 1);
    sink.close();
    await stream.closed;
    assert.equal(subscribed, 0);
  });
});

describe('stream registry', () => {
  it('ends the oldest stream of an owner with REPLACED beyond the limit, and all at shutdown', async () => {
    const registry = createStreamRegistry(2);
    const bus = createMemoryBus();
    const open = async () => {
      const sink = new FakeSink();
      const stream = startJournalStream(sink, journal(0).feed, null, { bus, heartbeatMs: LONG });
      await sink.until(/event: ready/);
      return { sink, stream };
    };
    const [a, b, c, other] = [await open(), await open(), await open(), await open()];
    registry.add('pro:1:x', a.stream);
    registry.add('pro:1:x', b.stream);
    registry.add('pro:2:x', other.stream);
    assert.equal(registry.count('pro:1:x'), 2);
    registry.add('pro:1:x', c.stream);
    await a.stream.closed;
    assert.deepEqual(a.sink.events('end'), [{ reason: 'REPLACED' }]);
    assert.deepEqual(b.sink.events('end'), []);
    assert.equal(registry.count('pro:1:x'), 2);
    registry.endAll('SHUTDOWN');
    await Promise.all([b.stream.closed, c.stream.closed, other.stream.closed]);
    assert.deepEqual(c.sink.events('end'), [{ reason: 'SHUTDOWN' }]);
    assert.equal(registry.count(), 0);
  });
});
