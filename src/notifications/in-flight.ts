/**
 * Collapses identical concurrent reads into one: while a read for `key` is in flight, asking
 * again returns the same promise; once it settles, the next ask reads afresh (nothing is cached).
 *
 * A hint wakes every stream of a mailbox at once, and those at the same point of the journal ask
 * for the same page: with this, one query serves them all instead of one per open counter.
 * What is shared must not be mutated by its readers.
 */
export type InFlight = <T>(key: string, read: () => Promise<T>) => Promise<T>;

export function createInFlight(): InFlight {
  const pending = new Map<string, Promise<unknown>>();
  return <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const running = pending.get(key);
    if (running) return running as Promise<T>;
    const started = read().finally(() => pending.delete(key));
    pending.set(key, started);
    return started;
  };
}
