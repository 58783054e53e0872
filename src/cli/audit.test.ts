import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { resetAuditTrail, tamper } from '../../test/helpers/audit-tamper.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createAuditTrail } from '../audit/chained-trail.ts';
import { systemClock } from '../time/clock.ts';
import { runAuditVerify } from './audit.ts';
import type { CliOutput } from './output.ts';
import { buildProgram } from './program.ts';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

let store: TestStore;
before(async () => {
  store = await openTestStore();
});
after(() => store.dispose());
beforeEach(() => resetAuditTrail(store));

async function appendLogins(n: number) {
  const audit = createAuditTrail(store, { key: Buffer.alloc(32), clock: systemClock });
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
  assert.equal(await runAuditVerify(store, output), 0);
  assert.equal(output.lines[0], "Piste d'audit intègre : 3 enregistrements.");
  assert.match(output.lines[1] ?? '', /^Dernière empreinte : [0-9a-f]{64}$/);
  assert.deepEqual(output.errors, []);
});

test('audit verify on an empty trail is intact, exit 0', async () => {
  const output = capture();
  assert.equal(await runAuditVerify(store, output), 0);
  assert.equal(output.lines[0], "Piste d'audit intègre : 0 enregistrement.");
});

test('audit verify names the first broken link, exit 1', async () => {
  await appendLogins(5);
  await tamper(store, sql`update audit_records set result = 'denied' where seq = 3`);
  const output = capture();
  assert.equal(await runAuditVerify(store, output), 1);
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
  assert.equal(await runAuditVerify(store, output), 1);
  assert.deepEqual(output.lines, [
    "Piste d'audit altérée : premier maillon rompu à l'enregistrement n° 1 (enregistrement manquant).",
    'Aucun enregistrement intègre avant ce maillon.',
  ]);
});

test('`officine-mss audit verify` is registered and sets the exit code', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-cli-audit-'));
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  try {
    const output = capture();
    await buildProgram(output).parseAsync(['node', 'officine-mss', 'audit', 'verify']);
    assert.equal(process.exitCode, 0);
    assert.equal(output.lines[0], "Piste d'audit intègre : 0 enregistrement.");
  } finally {
    process.exitCode = undefined;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
