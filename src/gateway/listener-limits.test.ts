import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { nirFrom } from '../../test/helpers/identifiers.ts';
import { MAILBOX, startInboundGateway, whitelistXml } from '../../test/helpers/inbound-gateway.ts';
import { assertRefused, MESSAGE, PATIENT, secureSession } from '../../test/helpers/inbound-session.ts';
import { SmtpTestClient } from '../../test/helpers/smtp-client.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { createSpoolDelivery } from './spool.ts';

describe('the inbound listener, faults and limits', () => {
  test('a temporary fault of the store answers 451 4.3.0 and commits nothing', async () => {
    const store = await openTestStore();
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'officine-broken-blobs-'));
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    const gateway = await startInboundGateway(await openTestStore(), {
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
    const gateway = await startInboundGateway(await openTestStore(), {
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
    const gateway = await startInboundGateway(await openTestStore(), {
      limits: { maxConnectionsPerPeer: 1 },
    });
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
    const gateway = await startInboundGateway(await openTestStore(), {
      limits: { maxRecipients: 2, maxConnections: 2 },
    });
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
    const gateway = await startInboundGateway(await openTestStore(), {
      limits: { maxRefusalsPerSession: 3 },
    });
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
    const gateway = await startInboundGateway(await openTestStore(), { limits: { idleTimeoutMs: 1000 } });
    try {
      // The client sends nothing: every reply until the listener hangs up (the greeting comes
      // first, unless the machine stalled past the timeout before smtp-server's 100 ms delay).
      const { client, greeting } = await SmtpTestClient.connect(gateway.port);
      const replies = [greeting.code];
      for (let reply = await client.read(); reply.code !== 0; reply = await client.read())
        replies.push(reply.code);
      assert.equal(replies.at(-1), 421);
      assert.ok(
        replies.every((code) => code === 220 || code === 421),
        String(replies),
      );
    } finally {
      await gateway.dispose();
    }
  });

  test('with CRLs, a revoked certificate is refused (535 5.7.8) and a bad CRL file keeps the last good', async () => {
    const gateway = await startInboundGateway(await openTestStore(), { crl: true });
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
    const gateway = await startInboundGateway(await openTestStore(), { tls: 'implicit' });
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
    const gateway = await startInboundGateway(await openTestStore());
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
    const gateway = await startInboundGateway(await openTestStore(), {
      whitelist: '<ListeBlanche><Domaine>',
    });
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
