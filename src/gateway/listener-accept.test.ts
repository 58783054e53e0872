import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type InboundGatewayFixture,
  MAILBOX,
  startInboundGateway,
} from '../../test/helpers/inbound-gateway.ts';
import {
  assertRefused,
  MESSAGE,
  PATIENT,
  secureSession,
  swaksOverTls,
} from '../../test/helpers/inbound-session.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';

describe('the inbound listener, accepting', () => {
  let gateway: InboundGatewayFixture;
  before(async () => {
    gateway = await startInboundGateway(await openTestStore(), { limits: { maxMessageBytes: 4096 } });
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
