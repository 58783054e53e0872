import { useEffect, useState } from 'preact/hooks';
import { openJournalStream, type StreamState } from '../shared/events.ts';
import { dispatchLive } from '../shared/live.ts';

/**
 * The patient's live journal (GET /api/patient/events), opened once signed in. Its events go to
 * the views through web/shared/live.ts (ids only: the views fetch what changed through the API).
 */
const OFFLINE_GRACE_MS = 4000;

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
      onEvent: (event) => dispatchLive(event),
      onReady: () => dispatchLive({ kind: 'resync' }),
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
