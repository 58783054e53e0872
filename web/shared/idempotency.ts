import { useEffect, useRef } from 'preact/hooks';
import { idempotencyKey } from './api.ts';

/**
 * The Idempotency-Key of one send, for every sender: the same while the content stays the same
 * (a retry after a network failure reuses it, so the server creates nothing twice), a new one
 * as soon as the content changes (`content`: what is sent) and after a success.
 */
export function useIdempotencyKey(content: readonly unknown[]): { current(): string; sent(): void } {
  const key = useRef(idempotencyKey());
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    key.current = idempotencyKey();
  }, content);
  return {
    current: () => key.current,
    sent: () => {
      key.current = idempotencyKey();
    },
  };
}
