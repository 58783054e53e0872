import { createSubscribers, type JournalBus } from './bus.ts';

/**
 * The bus of a single process (SQLite): hints go straight to this process's subscribers, on the
 * next tick so that a publisher never runs a subscriber's code inside its own call.
 */
export function createMemoryBus(options: { onError?: (error: unknown) => void } = {}): JournalBus {
  const subscribers = createSubscribers(options.onError);
  let closed = false;
  return {
    publish(hints) {
      if (closed || hints.length === 0) return;
      const copy = hints.map((h) => ({ ...h }));
      queueMicrotask(() => {
        if (closed) return;
        for (const hint of copy) subscribers.deliver(hint.key, hint.seq);
      });
    },
    subscribe(key, listener) {
      return subscribers.add(key, listener);
    },
    async close() {
      closed = true;
    },
  };
}
