import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../engine.ts';
import { foundation } from './001_foundation.ts';

/** Versioned migrations, in order. Never edit a released one: add the next. */
export function migrationProvider(engine: Engine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001_foundation': foundation(engine),
  };
  return { getMigrations: async () => migrations };
}
