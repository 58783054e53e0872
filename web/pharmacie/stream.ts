import type { ReadyEvent } from '../shared/events.ts';

/**
 * What the pharmacy stream's `ready` adds for the counter (src/http/routes/events.ts): the delay
 * before an unacknowledged alert rings again (REALERT_MINUTES) and the opening hours.
 */
export const DEFAULT_REALERT_MINUTES = 10;

export interface CounterSettings {
  /** Minutes before an unacknowledged alert rings again. */
  realertMinutes: number;
  /** The pharmacy's opening hours as published, e.g. `Lun–Sam 9h00–20h00`; null when unknown. */
  openingHours: string | null;
}

export function counterSettings(ready: ReadyEvent): CounterSettings {
  const { realertMinutes, openingHours } = ready.data;
  return {
    realertMinutes:
      typeof realertMinutes === 'number' && realertMinutes > 0 ? realertMinutes : DEFAULT_REALERT_MINUTES,
    openingHours: typeof openingHours === 'string' && openingHours ? openingHours : null,
  };
}
