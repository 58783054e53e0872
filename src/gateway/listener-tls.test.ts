import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  type InboundGatewayFixture,
  MAILBOX,
  RED_LIST_MAILBOX,
  startInboundGateway,
  swaks,
  swaksRefusal,
} from '../../test/helpers/inbound-gateway.ts';
import { assertRefused, PATIENT, secureSession, swaksOverTls } from '../../test/helpers/inbound-session.ts';
import { SmtpTestClient } from '../../test/helpers/smtp-client.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';

describe('the inbound listener, STARTTLS', () => {
  let gateway: InboundGatewayFixture;
  before(async () => {
    gateway = await startInboundGateway(await openTestStore());
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
