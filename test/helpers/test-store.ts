import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from '../../src/config.ts';
import { openStore, type Store } from '../../src/db/connect.ts';

/**
 * A fresh, migrated store for one test (unmigrated with `migrate: false`): a temp SQLite file, or — when TEST_DATABASE_URL is set
 * (the PostgreSQL pass of `npm test`) — a new database on that server. `dispose()` removes it.
 */
export type TestStore = Store & {
  /** The DATABASE_URL of this store, for server processes that share it (null on SQLite). */
  url: string | null;
  dispose(): Promise<void>;
};

export const testEngine = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export async function openTestStore(options: { migrate?: boolean } = {}): Promise<TestStore> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-store-'));
    const store = await openStore({ engine: 'sqlite', file: path.join(dir, 'test.sqlite') }, options);
    return Object.assign(store, {
      url: null,
      async dispose() {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    });
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore(parseDatabaseUrl(url.toString(), os.tmpdir()), options);
  return Object.assign(store, {
    url: url.toString(),
    async dispose() {
      await store.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  });
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
