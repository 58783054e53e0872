import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { resetAuditTrail, tamper } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { CHAIN_KEY_FILE } from '../audit/chain-key.ts';
import { createAuditTrail } from '../audit/chained-trail.ts';
import { loadConfig } from '../config.ts';
import { fixedClock, systemClock } from '../time/clock.ts';
import { runAuditCheckpoint, runAuditVerify } from './audit.ts';
import type { CliOutput } from './output.ts';
import { buildProgram } from './program.ts';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

let store: TestStore;
let dir: string;
before(async () => {
  store = await openTestStore();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-cli-audit-'));
});
after(async () => {
  await store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => resetAuditTrail(store));

/** The CLI's view of an app: the store, and the chain key from the environment (or none). */
const cliApp = (chainKey: Buffer | null = TEST_CHAIN_KEY) => ({
  store,
  clock: fixedClock('2026-12-04T18:00:00Z'),
  config: loadConfig({
    DATA_DIR: dir,
    ...(chainKey ? { AUDIT_CHAIN_KEY: chainKey.toString('hex') } : {}),
  }),
});

async function appendLogins(n: number) {
  const audit = createAuditTrail(store, {
    key: Buffer.alloc(32),
    chainKey: TEST_CHAIN_KEY,
    clock: systemClock,
  });
  for (let i = 0; i < n; i++) {
    await audit.record({
      actor: { kind: 'professional', rpps: '10000000009' },
      action: 'auth.login',
      result: 'success',
    });
  }
}

test('audit verify on an intact trail prints the count and the last hash, exit 0', async () => {
  await appendLogins(3);
  const output = capture();
  assert.equal(await runAuditVerify(cliApp(), {}, output), 0);
  assert.equal(output.lines[0], "Piste d'audit intègre : 3 enregistrements.");
  assert.match(output.lines[1] ?? '', /^Dernière empreinte : [0-9a-f]{64}$/);
  assert.equal(output.lines.length, 2);
  assert.deepEqual(output.errors, []);
});

test('audit verify on an empty trail is intact, with or without a chain key, exit 0', async () => {
  for (const key of [TEST_CHAIN_KEY, null]) {
    const output = capture();
    assert.equal(await runAuditVerify(cliApp(key), {}, output), 0);
    assert.equal(output.lines[0], "Piste d'audit intègre : 0 enregistrement.");
  }
  assert.equal(fs.existsSync(path.join(dir, CHAIN_KEY_FILE)), false, 'verify never creates a key');
});

test('audit verify names the first broken link, exit 1', async () => {
  await appendLogins(5);
  await tamper(store, sql`update audit_records set result = 'denied' where seq = 3`);
  const output = capture();
  assert.equal(await runAuditVerify(cliApp(), {}, output), 1);
  assert.deepEqual(output.lines, [
    "Piste d'audit altérée : premier maillon rompu à l'enregistrement n° 3 " +
      '(contenu modifié : son empreinte ne correspond plus à ses champs).',
    '2 enregistrements intègres avant ce maillon.',
  ]);
});

test('audit verify reports a missing record, exit 1', async () => {
  await appendLogins(3);
  await tamper(store, sql`delete from audit_records where seq = 1`);
  const output = capture();
  assert.equal(await runAuditVerify(cliApp(), {}, output), 1);
  assert.deepEqual(output.lines, [
    "Piste d'audit altérée : premier maillon rompu à l'enregistrement n° 1 (enregistrement manquant).",
    'Aucun enregistrement intègre avant ce maillon.',
  ]);
});

test('audit verify cannot check keyed records without the chain key, exit 2', async () => {
  await appendLogins(1);
  const output = capture();
  assert.equal(await runAuditVerify(cliApp(null), {}, output), 2);
  assert.match(output.errors[0] ?? '', /aucune clé de chaînage n’est disponible \(AUDIT_CHAIN_KEY/);
});

test('audit checkpoint --out, then verify --checkpoint: intact, then a truncation before it, exit 1', async () => {
  await appendLogins(4);
  const file = path.join(dir, 'checkpoint.json');
  const issued = capture();
  assert.equal(await runAuditCheckpoint(cliApp(), { out: file }, issued), 0);
  assert.match(
    issued.lines[0] ?? '',
    /^Point de contrôle écrit dans .*checkpoint\.json : enregistrement n° 4, /,
  );
  const written = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(written.seq, 4);

  await appendLogins(1);
  const intact = capture();
  assert.equal(await runAuditVerify(cliApp(), { checkpoint: file }, intact), 0);
  assert.equal(
    intact.lines.at(-1),
    "Point de contrôle vérifié : l'enregistrement n° 4 est présent et inchangé.",
  );

  const third = await store.db
    .selectFrom('audit_records')
    .selectAll()
    .where('seq', '=', 3)
    .executeTakeFirstOrThrow();
  await tamper(
    store,
    sql`delete from audit_records where seq >= 4`,
    sql`update audit_chain_head set seq = 3, hash = ${third.hash} where id = 1`,
  );
  const cut = capture();
  assert.equal(await runAuditVerify(cliApp(), { checkpoint: file }, cut), 1);
  assert.deepEqual(cut.lines, [
    "Piste d'audit altérée : premier maillon rompu à l'enregistrement n° 4 " +
      '(la piste s’arrête avant l’enregistrement du point de contrôle : fin supprimée).',
    '3 enregistrements intègres avant ce maillon.',
  ]);

  fs.writeFileSync(file, JSON.stringify({ ...written, seq: 2 }));
  const forged = capture();
  assert.equal(await runAuditVerify(cliApp(), { checkpoint: file }, forged), 1);
  assert.deepEqual(forged.lines, [
    'Point de contrôle refusé : sa signature ne correspond pas à son contenu (falsifié).',
  ]);
  const missing = capture();
  assert.equal(await runAuditVerify(cliApp(), { checkpoint: path.join(dir, 'none.json') }, missing), 2);
});

test('audit checkpoint prints the JSON, and refuses an altered trail, exit 1', async () => {
  await appendLogins(2);
  const printed = capture();
  assert.equal(await runAuditCheckpoint(cliApp(), {}, printed), 0);
  assert.equal(JSON.parse(printed.lines[0] ?? '').seq, 2);
  await tamper(store, sql`update audit_records set result = 'denied' where seq = 1`);
  const refused = capture();
  assert.equal(await runAuditCheckpoint(cliApp(), {}, refused), 1);
  assert.equal(refused.lines.at(-1), 'Aucun point de contrôle émis.');
});

test('`officine-mss audit verify` and `audit checkpoint` are registered and set the exit code', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-cli-audit-'));
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  try {
    const output = capture();
    await buildProgram(output).parseAsync(['node', 'officine-mss', 'audit', 'verify']);
    assert.equal(process.exitCode, 0);
    assert.equal(output.lines[0], "Piste d'audit intègre : 0 enregistrement.");
    const file = path.join(dataDir, 'cp.json');
    await buildProgram(output).parseAsync(['node', 'officine-mss', 'audit', 'checkpoint', '--out', file]);
    assert.equal(process.exitCode, 0);
    await buildProgram(output).parseAsync(['node', 'officine-mss', 'audit', 'verify', '--checkpoint', file]);
    assert.equal(process.exitCode, 0);
  } finally {
    process.exitCode = undefined;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
