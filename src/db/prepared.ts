import type { Compilable } from 'kysely';
import type { Store } from './connect.ts';

/**
 * A hot read query, built once with Kysely and then run as a prepared statement: better-sqlite3's
 * `prepare` on SQLite, a named prepared statement on PostgreSQL. Building and compiling a query on
 * every call costs more than running it for indexed lookups, which is what this is for.
 *
 * `build` receives `param(name)` and uses it wherever a call-time value goes; every other value in
 * the query is a constant of the statement.
 */
export type PreparedQuery<P extends Record<string, unknown>, R> = (params: P) => Promise<R[]>;

const SENTINEL = '\u0000officine-param:';

export function prepareQuery<P extends Record<string, unknown>, R>(
  store: Store,
  name: string,
  build: (param: (key: keyof P & string) => string) => Compilable<R>,
): PreparedQuery<P, R> {
  const compiled = build((key) => `${SENTINEL}${key}`).compile();
  const slots: Array<{ key: string } | { value: unknown }> = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(SENTINEL)
      ? { key: value.slice(SENTINEL.length) }
      : { value },
  );
  const bind = (params: P) => slots.map((slot) => ('key' in slot ? params[slot.key] : slot.value));

  if (store.engine === 'sqlite') {
    const statement = store.sqlite.prepare(compiled.sql);
    return async (params) => statement.all(...bind(params)) as R[];
  }
  const { pool } = store;
  return async (params) => (await pool.query({ name, text: compiled.sql, values: bind(params) })).rows as R[];
}
