import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { nirFrom } from '../../test/helpers/identifiers.ts';
import {
  type InboundGatewayFixture,
  MAILBOX,
  RED_LIST_MAILBOX,
  startInboundGateway,
  swaks,
  swaksRefusal,
  whitelistXml,
} from '../../test/helpers/inbound-gateway.ts';
import { SmtpTestClient } from '../../test/helpers/smtp-client.ts';
import type { TestIdentity } from '../../test/helpers/test-pki.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { createSpoolDelivery } from './spool.ts';

const PATIENT = `${nirFrom('1750375123005')}@patient.mssante.fr`;
const MESSAGE = [
  'From: <secretariat@operateur-a.test>',
  `To: <${MAILBOX}>`,
  'Subject: Ordonnance',
  'Message-ID: <test-1@operateur-a.test>',
  '',
  'Bonjour,',
  '.une ligne qui commence par un point',
  '',
].join('\r\n');

/** Connects, EHLO, STARTTLS presenting `identity`, EHLO again: the reply to the second EHLO. */
async function secureSession(gateway: InboundGatewayFixture, identity: TestIdentity | null) {
  const { client } = await SmtpTestClient.connect(gateway.port);
  await client.command('EHLO client.operateur-a.test');
  const started = await client.starttls(gateway.tls(identity));
  assert.equal(started.code, 220);
  const ehlo = await client.command('EHLO client.operateur-a.test');
  return { client, ehlo };
}

/** swaks sends a message to MAILBOX over STARTTLS, presenting `identity`, checking our certificate. */
const swaksOverTls = (gateway: InboundGatewayFixture, identity: TestIdentity) =>
  swaks(gateway.port, [
    '--tls',
    '--tls-verify',
    '--tls-ca-path',
    gateway.pki.rootCa,
    '--tls-sni',
    'mx.officine.test',
    '--tls-cert',
    identity.cert,
    '--tls-key',
    identity.key,
    '--from',
    'secretariat@operateur-a.test',
    '--to',
    MAILBOX,
  ]);

/** Asserts a refusal's reply, enhanced code, and that nothing was stored. */
async function assertRefused(
  gateway: InboundGatewayFixture,
  reply: { code: number; enhanced: string | null },
  code: number,
  enhanced: string,
) {
  assert.deepEqual([reply.code, reply.enhanced], [code, enhanced]);
  assert.equal(await gateway.inboundCount(), 0);
  assert.deepEqual(gateway.blobFiles(), []);
}

describe('the inbound listener, STARTTLS', () => {
  let gateway: InboundGatewayFixture;
  before(async () => {
    gateway = await startInboundGateway();
  });
  after(() => gateway.dispose());

  test('advertises STARTTLS, SIZE, ENHANCEDSTATUSCODES and DSN, not AUTH', async () => {
    const { client } = await SmtpTestClient.connect(gateway.port);
    const ehlo = await client.command('EHLO client.operateur-a.test');
    await client.quit();
    assert.equal(ehlo.code, 250);
    for (const feature of ['STARTTLS', 'SIZE 26214400', 'ENHANCEDSTATUSCODES', 'DSN'])
      assert.ok(ehlo.lines.includes(feature), feature);
    assert.ok(!ehlo.lines.some((l) => l.startsWith('AUTH')));
  });

  test('plaintext MAIL FROM: 530 5.7.0, nothing stored', async () => {
    const { client } = await SmtpTestClient.connect(gateway.port);
    await client.command('EHLO client.operateur-a.test');
    const mail = await client.command('MAIL FROM:<secretariat@operateur-a.test>');
    await client.quit();
    await assertRefused(gateway, mail, 530, '5.7.0');
    assert.match(mail.lines[0] ?? '', /STARTTLS/);
  });

  test('plaintext MAIL FROM with swaks: 530 5.7.0', async () => {
    const run = await swaks(gateway.port, ['--from', 'secretariat@operateur-a.test', '--to', MAILBOX]);
    assert.notEqual(run.code, 0);
    assert.deepEqual(swaksRefusal(run.transcript), [530, '5.7.0']);
    assert.equal(await gateway.inboundCount(), 0);
  });

  test('too many commands before TLS: 421 4.7.0 and the connection closes', async () => {
    const { client } = await SmtpTestClient.connect(gateway.port);
    for (let i = 0; i < 5; i++) assert.equal((await client.command('NOOP')).code, 250);
    const sixth = await client.command('NOOP');
    assert.deepEqual([sixth.code, sixth.enhanced], [421, '4.7.0']);
    assert.equal((await client.read()).code, 0); // closed
  });

  test('no client certificate: 530 5.7.0 after the handshake, the session is audited', async () => {
    const { client, ehlo } = await secureSession(gateway, null);
    assert.equal((await client.read()).code, 0); // the listener hung up
    await assertRefused(gateway, ehlo, 530, '5.7.0');
    assert.match(ehlo.lines[0] ?? '', /Certificat client requis/);
    const summary = await gateway.sessionClosed((s) => s.refusals.includes('CLIENT_CERTIFICATE_REQUIRED'));
    assert.deepEqual([summary.tls, summary.authenticated, summary.fingerprint], [true, false, null]);
    const records = (await gateway.auditActions()).filter(
      (r) => r.request_id === `smtp:${summary.sessionId}`,
    );
    assert.deepEqual(records, [
      {
        action: 'smtp.session',
        result: 'denied',
        reason: 'CLIENT_CERTIFICATE_REQUIRED',
        target: null,
        on_behalf_of: null,
        request_id: `smtp:${summary.sessionId}`,
      },
    ]);
  });

  test('a certificate from a rogue CA (swaks): 535 5.7.8, saying the CA is unknown', async () => {
    const run = await swaksOverTls(gateway, gateway.pki.rogue);
    assert.deepEqual(swaksRefusal(run.transcript), [535, '5.7.8']);
    assert.match(run.transcript, /autorite de certification inconnue/);
    assert.equal(await gateway.inboundCount(), 0);
    assert.deepEqual(gateway.blobFiles(), []);
  });

  test('a valid certificate for a domain off the whitelist: 550 5.7.1 at MAIL FROM', async () => {
    const { client } = await secureSession(gateway, gateway.pki.offList);
    const mail = await client.command('MAIL FROM:<contact@intrus.test>');
    const nullSender = await client.command('MAIL FROM:<>');
    await client.quit();
    await assertRefused(gateway, mail, 550, '5.7.1');
    assert.match(mail.lines[0] ?? '', /liste blanche.*intrus\.test/);
    await assertRefused(gateway, nullSender, 550, '5.7.1');
    const refusals = (await gateway.auditActions()).filter((r) => r.action === 'smtp.refuse');
    assert.equal(refusals.at(-1)?.reason, 'SENDER_DOMAIN_NOT_WHITELISTED');
    assert.match(refusals.at(-1)?.target ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('a whitelisted domain the certificate does not cover: 550 5.7.1', async () => {
    const { client } = await secureSession(gateway, gateway.pki.operatorA);
    const mail = await client.command('MAIL FROM:<contact@operateur-b.test>');
    await client.quit();
    await assertRefused(gateway, mail, 550, '5.7.1');
    assert.match(mail.lines[0] ?? '', /ne couvre pas/);
  });

  test('the certificate covers its names, one wildcard label and, without SAN, its CN', async () => {
    const a = await secureSession(gateway, gateway.pki.operatorA);
    assert.equal((await a.client.command('MAIL FROM:<x@mail.operateur-a.test>')).code, 250);
    assert.equal((await a.client.command('RSET')).code, 250);
    assert.equal((await a.client.command('MAIL FROM:<>')).code, 250);
    await a.client.quit();
    const b = await secureSession(gateway, gateway.pki.operatorBCnOnly);
    assert.equal((await b.client.command('MAIL FROM:<x@operateur-b.test>')).code, 250);
    await b.client.quit();
  });

  test('a whitelist reload from a broken file keeps the last good list', async () => {
    const good = fs.readFileSync(gateway.whitelistFile);
    fs.writeFileSync(gateway.whitelistFile, '<ListeBlanche><Domaine><Nom>operateur-a.test</Nom>');
    try {
      assert.deepEqual(await gateway.listener.reloadWhitelist(), { ok: false, reason: 'INVALID_XML' });
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      await client.quit();
    } finally {
      fs.writeFileSync(gateway.whitelistFile, good);
    }
  });

  test('recipients: relaying denied 550 5.7.1; unknown, liste rouge, bad NIR 550 5.1.1; known 250', async () => {
    const { client } = await secureSession(gateway, gateway.pki.operatorA);
    assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
    const relay = await client.command('RCPT TO:<someone@example.com>');
    const unknown = await client.command('RCPT TO:<inconnue@pharmacie.mssante.fr>');
    const redList = await client.command(`RCPT TO:<${RED_LIST_MAILBOX}>`);
    const badNir = await client.command('RCPT TO:<175037512300599@patient.mssante.fr>');
    const patient = await client.command(`RCPT TO:<${PATIENT}>`);
    const pharmacy = await client.command(`RCPT TO:<${MAILBOX.toUpperCase()}>`);
    await client.quit();
    await assertRefused(gateway, relay, 550, '5.7.1');
    assert.match(relay.lines[0] ?? '', /Relais refuse.*example\.com/);
    for (const reply of [unknown, redList, badNir]) await assertRefused(gateway, reply, 550, '5.1.1');
    assert.deepEqual([patient.code, pharmacy.code], [250, 250]);
    // No local part reaches the audit trail or the logs.
    const audit = JSON.stringify(await gateway.auditActions());
    const logs = gateway.logs.join('');
    for (const text of [audit, logs])
      for (const local of [
        'secretariat',
        'inconnue',
        'pharmacie-discrete',
        '1750375123005',
        '175037512300599',
      ])
        assert.ok(!text.includes(local), local);
    assert.match(logs, /"refusal":"RELAY_DENIED"/);
  });
});

describe('the inbound listener, accepting', () => {
  let gateway: InboundGatewayFixture;
  before(async () => {
    gateway = await startInboundGateway({ limits: { maxMessageBytes: 4096 } });
  });
  after(() => gateway.dispose());

  test('oversize: SIZE is advertised, MAIL FROM SIZE= and DATA over it answer 552 5.3.4, nothing stored', async () => {
    const { client, ehlo } = await secureSession(gateway, gateway.pki.operatorA);
    assert.ok(ehlo.lines.includes('SIZE 4096'));
    const declared = await client.command('MAIL FROM:<secretariat@operateur-a.test> SIZE=5000');
    await assertRefused(gateway, declared, 552, '5.3.4');
    assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
    assert.equal((await client.command(`RCPT TO:<${MAILBOX}>`)).code, 250);
    const data = await client.data(`${MESSAGE}${'x'.repeat(80)}\r\n`.repeat(60));
    await assertRefused(gateway, data, 552, '5.3.4');
    // The session goes on: a message within the limit is then accepted.
    assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
    assert.equal((await client.command(`RCPT TO:<${MAILBOX}>`)).code, 250);
    assert.equal((await client.data(MESSAGE)).code, 250);
    await client.quit();
  });

  test('an accepted message is in the spool when 250 comes, and stays there across a restart', async () => {
    const before = await gateway.inboundCount();
    const { client } = await secureSession(gateway, gateway.pki.operatorA);
    assert.equal(
      (await client.command('MAIL FROM:<secretariat@operateur-a.test> RET=HDRS ENVID=ENV-42')).code,
      250,
    );
    assert.equal(
      (await client.command(`RCPT TO:<${MAILBOX}> NOTIFY=FAILURE,DELAY ORCPT=rfc822;${MAILBOX}`)).code,
      250,
    );
    assert.equal((await client.command(`RCPT TO:<${PATIENT}>`)).code, 250);
    const data = await client.data(MESSAGE);
    await client.quit();
    assert.deepEqual([data.code, data.enhanced], [250, '2.6.0']);
    const id = /([0-9a-f-]{36})$/.exec(data.lines[0] ?? '')?.[1];
    assert.ok(id);
    // Committed before the reply: read it now, without waiting.
    const row = await gateway.store.db
      .selectFrom('inbound_mail')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(await gateway.inboundCount(), before + 1);
    assert.deepEqual(
      [row.state, row.peer_domain, row.mail_from, JSON.parse(row.rcpt_to), row.dsn_envid, row.dsn_ret],
      [
        'received',
        'operateur-a.test',
        'secretariat@operateur-a.test',
        [
          { address: MAILBOX, notify: ['FAILURE', 'DELAY'], orcpt: `rfc822;${MAILBOX}` },
          { address: PATIENT, notify: null, orcpt: null },
        ],
        'ENV-42',
        'HDRS',
      ],
    );
    assert.match(row.tls_protocol, /^TLSv1\.[23]$/);
    const stored = (await gateway.blobs.get(row.blob_sha256)).toString('latin1');
    // Our trace header, then the message dot-unstuffed, as sent.
    const [received, rest] = [stored.slice(0, stored.length - MESSAGE.length), stored.slice(-MESSAGE.length)];
    assert.equal(rest, MESSAGE);
    assert.match(
      received,
      /^Received: from client\.operateur-a\.test \(\[127\.0\.0\.1\]\)\r\n\tby mx\.officine\.test \(Officine MSS\) with ESMTPS id \w+\r\n\t\(version=TLSv1\.[23] cipher=[\w-]+\);\r\n\t\w{3}, \d{2} \w{3} \d{4} [\d:]{8} \+0000\r\n$/,
    );
    assert.ok(!received.includes('pharmacie-du-marche') && !received.includes('1750375123005'));
    const accept = (await gateway.auditActions()).find((r) => r.action === 'smtp.accept' && r.target === id);
    assert.deepEqual(accept?.on_behalf_of, 'operateur-a.test');

    await gateway.restart();
    const again = await gateway.store.db
      .selectFrom('inbound_mail')
      .select('blob_sha256')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal((await gateway.blobs.get(again.blob_sha256)).toString('latin1'), stored);
  });

  test('swaks with a valid certificate: 250 2.6.0, and the session is audited as a success', async () => {
    const before = await gateway.inboundCount();
    const run = await swaksOverTls(gateway, gateway.pki.operatorA);
    assert.equal(run.code, 0, run.transcript);
    assert.match(run.transcript, /<~ {2}250 2\.6\.0 Message enregistre/);
    assert.equal(await gateway.inboundCount(), before + 1);
    const id = /Message enregistre sous (\S+)/.exec(run.transcript)?.[1] ?? '';
    const summary = await gateway.sessionClosed((s) => s.accepted.includes(id));
    assert.deepEqual([summary.authenticated, summary.peerDomain], [true, 'operateur-a.test']);
    const records = (await gateway.auditActions()).filter(
      (r) => r.request_id === `smtp:${summary.sessionId}`,
    );
    assert.deepEqual(
      records.map((r) => [r.action, r.result, r.on_behalf_of]),
      [
        ['smtp.accept', 'success', 'operateur-a.test'],
        ['smtp.session', 'success', 'operateur-a.test'],
      ],
    );
  });
});

describe('the inbound listener, faults and limits', () => {
  test('a temporary fault of the store answers 451 4.3.0 and commits nothing', async () => {
    const store = await openTestStore();
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'officine-broken-blobs-'));
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    const gateway = await startInboundGateway({
      delivery: createSpoolDelivery({
        store,
        // A blob root under a file: every write fails (as on a full or read-only disk).
        blobs: (await import('../attachments/blob-store.ts')).createFileBlobStore({
          root: path.join(dir, 'not-a-folder', 'blobs'),
          key: Buffer.alloc(32, 1),
        }),
        audit: { record: async () => {}, patientPseudonym: () => '' },
        clock: { now: () => new Date() },
        maxBytes: 1 << 20,
      }),
    });
    try {
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      await client.command('MAIL FROM:<secretariat@operateur-a.test>');
      await client.command(`RCPT TO:<${MAILBOX}>`);
      const data = await client.data(MESSAGE);
      await client.quit();
      assert.deepEqual([data.code, data.enhanced], [451, '4.3.0']);
      const rows = await store.db.selectFrom('inbound_mail').select('id').execute();
      assert.deepEqual(rows, []);
    } finally {
      await gateway.dispose();
      await store.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // The timeout only keeps a regression (a delivery left waiting forever) from hanging the run.
  test('a peer that leaves mid-message: the delivery fails and nothing is stored', {
    timeout: 60_000,
  }, async () => {
    let outcome: Promise<unknown> | null = null;
    let delivering: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      delivering = resolve;
    });
    const gateway = await startInboundGateway({
      onDelivery: (delivery) => {
        outcome = delivery;
        delivering();
      },
    });
    try {
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      await client.command('MAIL FROM:<secretariat@operateur-a.test>');
      await client.command(`RCPT TO:<${MAILBOX}>`);
      assert.equal((await client.command('DATA')).code, 354);
      await started;
      client.write('From: <secretariat@operateur-a.test>\r\nSubject: x\r\n\r\nla moitie'); // no final dot
      client.destroy();
      await assert.rejects(outcome as unknown as Promise<unknown>);
      assert.equal(await gateway.inboundCount(), 0);
      assert.deepEqual(gateway.blobFiles(), []);
    } finally {
      await gateway.dispose();
    }
  });

  test('connections per peer: one more gets 421 at the greeting', async () => {
    const gateway = await startInboundGateway({ limits: { maxConnectionsPerPeer: 1 } });
    try {
      const first = await SmtpTestClient.connect(gateway.port);
      assert.equal(first.greeting.code, 220);
      const second = await SmtpTestClient.connect(gateway.port);
      assert.equal(second.greeting.code, 421);
      assert.match(second.greeting.raw, /^421 Trop de connexions/);
      await first.client.quit();
    } finally {
      await gateway.dispose();
    }
  });

  test('recipients per message: 452 4.5.3 beyond the limit; connections: 421 beyond the limit', async () => {
    const gateway = await startInboundGateway({ limits: { maxRecipients: 2, maxConnections: 2 } });
    try {
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      assert.equal((await client.command(`RCPT TO:<${MAILBOX}>`)).code, 250);
      assert.equal((await client.command(`RCPT TO:<${PATIENT}>`)).code, 250);
      const third = await client.command(`RCPT TO:<${nirFrom('2800175123456')}@patient.mssante.fr>`);
      assert.deepEqual([third.code, third.enhanced], [452, '4.5.3']);
      const second = await SmtpTestClient.connect(gateway.port);
      const over = await SmtpTestClient.connect(gateway.port);
      assert.deepEqual([second.greeting.code, over.greeting.code], [220, 421]);
      await second.client.quit();
      await client.quit();
    } finally {
      await gateway.dispose();
    }
  });

  test('refusals per session: one more answers 421 4.7.0 and closes', async () => {
    const gateway = await startInboundGateway({ limits: { maxRefusalsPerSession: 3 } });
    try {
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      for (let i = 0; i < 3; i++)
        assert.equal((await client.command(`RCPT TO:<inconnue-${i}@pharmacie.mssante.fr>`)).code, 550);
      const fourth = await client.command('RCPT TO:<inconnue-3@pharmacie.mssante.fr>');
      assert.deepEqual([fourth.code, fourth.enhanced], [421, '4.7.0']);
      assert.equal((await client.read()).code, 0);
      const reasons = (await gateway.auditActions())
        .filter((r) => r.action === 'smtp.refuse')
        .map((r) => r.reason);
      assert.deepEqual(reasons, [
        'RECIPIENT_UNKNOWN',
        'RECIPIENT_UNKNOWN',
        'RECIPIENT_UNKNOWN',
        'TOO_MANY_REFUSALS',
      ]);
    } finally {
      await gateway.dispose();
    }
  });

  test('an idle connection is closed with 421', async () => {
    const gateway = await startInboundGateway({ limits: { idleTimeoutMs: 300 } });
    try {
      const { client, greeting } = await SmtpTestClient.connect(gateway.port);
      assert.equal(greeting.code, 220);
      const timeout = await client.read(); // sent nothing: the listener speaks first, then hangs up
      assert.equal(timeout.code, 421);
      assert.equal((await client.read()).code, 0);
    } finally {
      await gateway.dispose();
    }
  });

  test('with CRLs, a revoked certificate is refused (535 5.7.8) and a bad CRL file keeps the last good', async () => {
    const gateway = await startInboundGateway({ crl: true });
    const crls = fs.readFileSync(gateway.pki.crls);
    try {
      const revoked = await secureSession(gateway, gateway.pki.revoked);
      await assertRefused(gateway, revoked.ehlo, 535, '5.7.8');
      assert.match(revoked.ehlo.lines[0] ?? '', /certificat revoque, CERT_REVOKED/);
      const valid = await secureSession(gateway, gateway.pki.operatorA);
      assert.equal((await valid.client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      await valid.client.quit();
      fs.writeFileSync(gateway.pki.crls, '-----BEGIN X509 CRL-----\nnope\n-----END X509 CRL-----\n');
      assert.equal(gateway.listener.reloadCrl(), false);
      const still = await secureSession(gateway, gateway.pki.revoked);
      assert.deepEqual([still.ehlo.code, still.ehlo.enhanced], [535, '5.7.8']);
      fs.writeFileSync(gateway.pki.crls, crls);
      assert.equal(gateway.listener.reloadCrl(), true);
      const after = await secureSession(gateway, gateway.pki.operatorA);
      assert.equal(after.ehlo.code, 250);
      await after.client.quit();
    } finally {
      fs.writeFileSync(gateway.pki.crls, crls);
      await gateway.dispose();
    }
  });

  test('implicit TLS: the certificate is checked from the first byte', async () => {
    const gateway = await startInboundGateway({ tls: 'implicit' });
    try {
      const ok = await SmtpTestClient.connect(gateway.port, gateway.tls(gateway.pki.operatorA));
      assert.equal(ok.greeting.code, 220);
      await ok.client.command('EHLO client.operateur-a.test');
      assert.equal((await ok.client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      await ok.client.quit();
      const anonymous = await SmtpTestClient.connect(gateway.port, gateway.tls(null));
      assert.deepEqual([anonymous.greeting.code, anonymous.greeting.enhanced], [530, '5.7.0']);
    } finally {
      await gateway.dispose();
    }
  });

  test('TLS below 1.2 is refused at the handshake', async () => {
    const gateway = await startInboundGateway();
    try {
      const { client } = await SmtpTestClient.connect(gateway.port);
      await client.command('EHLO client.operateur-a.test');
      await assert.rejects(
        client.starttls({
          ...gateway.tls(gateway.pki.operatorA),
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1.1',
        }),
      );
    } finally {
      await gateway.dispose();
    }
  });

  test('without a whitelist (broken file at start), MAIL FROM answers 451 4.3.0; a reload fixes it', async () => {
    const gateway = await startInboundGateway({ whitelist: '<ListeBlanche><Domaine>' });
    try {
      const { client } = await secureSession(gateway, gateway.pki.operatorA);
      const mail = await client.command('MAIL FROM:<secretariat@operateur-a.test>');
      await assertRefused(gateway, mail, 451, '4.3.0');
      fs.writeFileSync(gateway.whitelistFile, whitelistXml(['operateur-a.test']));
      assert.deepEqual(await gateway.listener.reloadWhitelist(), { ok: true, domains: 1 });
      assert.equal((await client.command('MAIL FROM:<secretariat@operateur-a.test>')).code, 250);
      await client.quit();
    } finally {
      await gateway.dispose();
    }
  });
});
