import { useEffect, useRef } from 'preact/hooks';
import type { JournalEvent } from './events.ts';

/**
 * Within the page: the journal's events (src/http/routes/events.ts, through events.ts), passed to
 * the views that show what changed (events carry ids only: the views fetch through the API).
 * `resync` follows every (re)connection, once the replay is done.
 */
export type LiveEvent = JournalEvent | { kind: 'resync' };
type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();

export function dispatchLive(event: LiveEvent): void {
  for (const listener of listeners) listener(event);
}

/** Calls the latest `listener` for every event, for the component's life. */
export function useLiveEvents(listener: Listener): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const forward: Listener = (event) => latest.current(event);
    listeners.add(forward);
    return () => {
      listeners.delete(forward);
    };
  }, []);
}

/** Runs `task` at most once per `ms` burst (trailing), for refreshes triggered by many events. */
export function debounce(task: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      task();
    }, ms);
  };
  run.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return run;
}
