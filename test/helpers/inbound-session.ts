import assert from 'node:assert/strict';
import { nirFrom } from './identifiers.ts';
import { type InboundGatewayFixture, MAILBOX, swaks } from './inbound-gateway.ts';
import { SmtpTestClient } from './smtp-client.ts';
import type { TestIdentity } from './test-pki.ts';

/** What the listener tests send and assert, shared by src/gateway/listener-*.test.ts. */
export const PATIENT = `${nirFrom('1750375123005')}@patient.mssante.fr`;
export const MESSAGE = [
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
export async function secureSession(gateway: InboundGatewayFixture, identity: TestIdentity | null) {
  const { client } = await SmtpTestClient.connect(gateway.port);
  await client.command('EHLO client.operateur-a.test');
  const started = await client.starttls(gateway.tls(identity));
  assert.equal(started.code, 220);
  const ehlo = await client.command('EHLO client.operateur-a.test');
  return { client, ehlo };
}

/** swaks sends a message to MAILBOX over STARTTLS, presenting `identity`, checking our certificate. */
export const swaksOverTls = (gateway: InboundGatewayFixture, identity: TestIdentity) =>
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
export async function assertRefused(
  gateway: InboundGatewayFixture,
  reply: { code: number; enhanced: string | null },
  code: number,
  enhanced: string,
) {
  assert.deepEqual([reply.code, reply.enhanced], [code, enhanced]);
  assert.equal(await gateway.inboundCount(), 0);
  assert.deepEqual(gateway.blobFiles(), []);
}
