import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import type { DatabaseTarget } from '../config.ts';
import { CHAIN_KEY_FILE, readOrCreateChainKey } from './chain-key.ts';
import { PSEUDONYM_KEY_FILE } from './pseudonym-key.ts';
import { verifyAuditTrail } from './verify.ts';

let store: TestStore;
let dataDir: string;
before(async () => {
  store = await openTestStore();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-audit-procs-'));
});
after(async () => {
  await store.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function sharedTarget(): Promise<DatabaseTarget> {
  if (store.engine === 'sqlite') return { engine: 'sqlite', file: store.sqlite.name };
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(store.db);
  const url = new URL(process.env.TEST_DATABASE_URL as string);
  url.pathname = `/${rows[0]?.name}`;
  return { engine: 'postgres', url: url.toString() };
}

interface Worker {
  ready: Promise<void>;
  go(): void;
  /** The pseudonym the worker computed. */
  done: Promise<string>;
}

function startWorker(args: object): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'multi-process.worker.ts'), JSON.stringify(args)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.includes('ready\n')) signalReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const done = new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const pseudonym = /^pseudonym (\S+)$/m.exec(out)?.[1];
      if (code === 0 && pseudonym) resolve(pseudonym);
      else reject(new Error(`worker exited ${code}: ${err}`));
    });
  });
  // A worker that dies before "ready" must not leave the test waiting.
  done.catch(() => signalReady());
  return { ready, go: () => child.stdin.end('go\n'), done };
}

test('several processes appending at once build one valid keyed chain and share the key files', async () => {
  const database = await sharedTarget();
  const keyFile = path.join(dataDir, PSEUDONYM_KEY_FILE);
  const chainKeyFile = path.join(dataDir, CHAIN_KEY_FILE);
  const workers = 4;
  const records = 25;
  const started = Array.from({ length: workers }, (_, worker) =>
    startWorker({ database, keyFile, chainKeyFile, worker, records }),
  );
  await Promise.all(started.map((w) => w.ready));
  for (const w of started) w.go();
  const pseudonyms = await Promise.all(started.map((w) => w.done));
  assert.equal(new Set(pseudonyms).size, 1);

  // Every process appended under the one key file's key (a process with another key could not).
  const result = await verifyAuditTrail(store, { chainKey: readOrCreateChainKey(chainKeyFile) });
  assert.equal(result.ok, true);
  assert.equal(result.ok && result.headSealed, true);
  assert.equal(result.count, workers * records);
  const perWorker = await store.db
    .selectFrom('audit_records')
    .select((eb) => [eb.fn.countAll<number>().as('n')])
    .where('target', 'like', 'w0-%')
    .executeTakeFirstOrThrow();
  assert.equal(Number(perWorker.n), records);
});
