import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/db/connect.ts';
import { nirFrom } from '../helpers/identifiers.ts';
import { swaks, swaksRefusal } from '../helpers/inbound-gateway.ts';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.ts';
import { testPki } from '../helpers/test-pki.ts';
import { whitelistXml } from '../helpers/whitelist-xml.ts';

/**
 * `officine-mss serve` with SMTP_IN_PORT: the listener starts with the process, takes mail into
 * the store the process uses, and stops with it.
 */
const SMTP = /^ {2}SMTP entrant {5}127\.0\.0\.1:(\d+) /m;
let dir: string;
let server: ServerProcess | null = null;

before(async () => {
  const pki = testPki();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-serve-smtp-'));
  fs.writeFileSync(path.join(dir, 'listeblanchemssante.xml'), whitelistXml(['operateur-a.test']));
  server = await startServerProcess(
    {
      DATA_DIR: dir,
      DEMO_DATA: 'off',
      SMTP_IN_PORT: '0',
      SMTP_IN_CERT_FILE: pki.server.cert,
      SMTP_IN_KEY_FILE: pki.server.key,
      SMTP_IN_CA_FILE: pki.trustBundle,
      SMTP_IN_WHITELIST: path.join(dir, 'listeblanchemssante.xml'),
      HOSTED_DOMAINS: 'patient.mssante.fr',
    },
    SMTP,
  );
});
after(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('serve starts the SMTP listener, which spools into its store, and stops it', async () => {
  assert.ok(server);
  const port = Number(SMTP.exec(server.output())?.[1]);
  const pki = testPki();
  const patient = `${nirFrom('1750375123005')}@patient.mssante.fr`;
  const tls = ['--tls', '--tls-cert', pki.operatorA.cert, '--tls-key', pki.operatorA.key];
  const sent = await swaks(port, [...tls, '--from', 'secretariat@operateur-a.test', '--to', patient]);
  assert.equal(sent.code, 0, sent.transcript);
  // Only the patient domain is hosted here: a pharmacy address is someone else's.
  const relay = await swaks(port, [...tls, '--from', 'x@operateur-a.test', '--to', 'p@pharmacie.mssante.fr']);
  assert.deepEqual(swaksRefusal(relay.transcript), [550, '5.7.1']);

  await server.stop();
  server = null;
  const store = await openStore({ engine: 'sqlite', file: path.join(dir, 'officine-mss.sqlite') });
  try {
    const rows = await store.db.selectFrom('inbound_mail').select(['peer_domain', 'rcpt_to']).execute();
    assert.deepEqual(
      rows.map((r) => [r.peer_domain, JSON.parse(r.rcpt_to)[0].address]),
      [['operateur-a.test', patient]],
    );
  } finally {
    await store.close();
  }
});
