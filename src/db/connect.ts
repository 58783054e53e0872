import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.ts';
import { makePrivate, makePrivateDir, PRIVATE_FILE_MODE } from '../data-dir.ts';
import type { Engine } from './engine.ts';
import { migrationProvider } from './migrations/index.ts';
import type { Schema } from './schema.ts';

/**
 * An open store: the Kysely instance every capability uses, plus the engine's own handle for
 * the few bulk paths (imports) where a query builder would cost more than the work itself.
 */
export type Store = {
  db: Kysely<Schema>;
  close(): Promise<void>;
} & ({ engine: 'sqlite'; sqlite: SqliteDatabase.Database } | { engine: 'postgres'; pool: pg.Pool });

const PG_DATE = 1082;
const PG_TIMESTAMPTZ = 1184;
const PG_INT8 = 20;

/** PostgreSQL values parsed to the same shapes SQLite returns (see schema.ts). */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_DATE) return (value: string) => value;
    if (oid === PG_TIMESTAMPTZ) return (value: string) => new Date(value).toISOString();
    if (oid === PG_INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function openStore(target: DatabaseTarget, options: { migrate?: boolean } = {}): Promise<Store> {
  const store = target.engine === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url);
  if (options.migrate !== false) await migrate(store.db, store.engine);
  return store;
}

/**
 * The SQLite file holds health data: owner-only (see data-dir.ts). SQLite would create it 0644,
 * so it is created 0600 first; its -wal and -shm take the file's mode. An existing file, or its
 * -wal and -shm, open to others are tightened.
 */
function openSqlite(file: string): Store {
  makePrivateDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) makePrivate(companion);
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { engine: 'sqlite', db, sqlite, close: () => db.destroy() };
}

function openPostgres(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, types: pgTypes, max: 10 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { engine: 'postgres', db, pool, close: () => db.destroy() };
}

export async function migrate(db: Kysely<Schema>, engine: Engine): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(engine) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : error}`);
  }
}
