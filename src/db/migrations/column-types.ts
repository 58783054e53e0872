import type { Engine } from '../engine.ts';

/** Column types that differ between engines; both read back as strings (see connect.ts). */
export function columnTypes(engine: Engine) {
  return engine === 'postgres'
    ? ({ date: 'date', instant: 'timestamptz' } as const)
    : ({ date: 'text', instant: 'text' } as const);
}
