import { useEffect, useState } from 'preact/hooks';
import { type JournalEvent, openJournalStream, type StreamState } from '../shared/events.ts';

/**
 * The patient's live journal (GET /api/patient/events), opened once signed in. Events carry ids
 * only: the views fetch what changed through the API. `resync` is sent when the stream (re)becomes
 * live after its replay, so that views catch up on whatever the replay did not cover.
 */
export type LiveEvent = JournalEvent | { kind: 'resync' };
type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const OFFLINE_GRACE_MS = 4000;

function dispatch(event: LiveEvent): void {
  for (const listener of listeners) listener(event);
}

/** Subscribes `listener` for the component's life (keep it stable or pass deps). */
export function useLiveEvents(listener: Listener, deps: unknown[]): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, deps);
}

export interface LiveStatus {
  state: StreamState | 'browser-offline';
  reason?: string;
}

/** Opens the stream while `enabled`; the state says whether replies arrive by themselves. */
export function useLiveStream(enabled: boolean): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>({ state: 'connecting' });
  const [browserOnline, setBrowserOnline] = useState(() => navigator.onLine);

  useEffect(() => {
    const on = () => setBrowserOnline(true);
    const off = () => setBrowserOnline(false);
    addEventListener('online', on);
    addEventListener('offline', off);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', off);
    };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    // A reconnection is often a matter of a second: say "offline" only when it lasts.
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stream = openJournalStream('/api/patient/events', {
      onEvent: (event) => dispatch(event),
      onReady: () => dispatch({ kind: 'resync' }),
      onState: (state, reason) => {
        clearTimeout(pending);
        if (state === 'offline') pending = setTimeout(() => setStatus({ state, reason }), OFFLINE_GRACE_MS);
        else if (state !== 'connecting') setStatus({ state, reason });
      },
    });
    return () => {
      clearTimeout(pending);
      stream.close();
    };
  }, [enabled]);

  return browserOnline ? status : { state: 'browser-offline' };
}
