import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Store } from '../../src/db/connect.ts';
import { loadDemo } from '../../src/demo/load.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';
import type { Clock } from '../../src/time/clock.ts';

/**
 * An Officine MSS server for login tests: on a given store and data folder, a random port,
 * configuration from `env`. Several servers may share a store and a data folder (restarts,
 * several processes).
 */
export interface TestServer {
  app: App;
  base: string;
  close(): Promise<void>;
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-auth-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(options: {
  store: Store;
  dataDir: string;
  env?: Record<string, string>;
  clock?: Clock;
  log?: DestinationStream;
  logLevel?: string;
}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', DATA_DIR: options.dataDir, LOG_LEVEL: 'silent', ...options.env });
  const app = await createApp(config, {
    store: options.store,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server = buildHttpServer(app, createLogger(options.logLevel ?? 'silent', options.log));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    app,
    base: `http://127.0.0.1:${address.port}`,
    // The store belongs to the test: closing the server leaves it open (the bus is the app's).
    close: async () => {
      await server.close();
      await app.bus.close();
    },
  };
}

/** Loads the demo (pharmacies, their teams, the demo patients) once into a store. */
export async function withDemo(store: Store, clock: Clock): Promise<void> {
  await loadDemo(store, clock, { windowMonths: 12 });
}

export async function auditRecords(store: Store) {
  return store.db
    .selectFrom('audit_records')
    .select(['seq', 'action', 'result', 'reason', 'actor_kind', 'actor_id', 'target'])
    .orderBy('seq')
    .execute();
}
