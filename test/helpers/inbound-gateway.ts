import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { createFileBlobStore } from '../../src/attachments/blob-store.ts';
import { createAuditTrail } from '../../src/audit/chained-trail.ts';
import type { Config } from '../../src/config.ts';
import { createDirectoryStore } from '../../src/directory/store.ts';
import type { SmtpInConfig } from '../../src/gateway/config.ts';
import type { DeliveryPort } from '../../src/gateway/delivery.ts';
import { createInboundGateway } from '../../src/gateway/inbound.ts';
import { DEFAULT_SMTP_IN_LIMITS, type SmtpInLimits } from '../../src/gateway/limits.ts';
import type { InboundListener } from '../../src/gateway/listener.ts';
import type { SessionSummary } from '../../src/gateway/sessions.ts';
import { createSpoolDelivery } from '../../src/gateway/spool.ts';
import { createLogger } from '../../src/logger.ts';
import { systemClock } from '../../src/time/clock.ts';
import { TEST_CHAIN_KEY } from './audit-keys.ts';
import { orgMailbox, pharmacyRecord } from './pharmacies.ts';
import { type TestIdentity, type TestPki, testPki } from './test-pki.ts';
import type { TestStore } from './test-store.ts';
import { whitelistXml } from './whitelist-xml.ts';

export { whitelistXml };

/**
 * The inbound listener on a random 127.0.0.1 port over a real test store (the caller's, from
 * openTestStore, so that the file runs on both engines), blob store and audit trail, with the
 * test PKI and a whitelist file naming `operateur-a.test`, `mail.operateur-a.test`
 * and `operateur-b.test`. The directory holds one pharmacy with a published ORG mailbox
 * (`MAILBOX`) and one on the liste rouge (`RED_LIST_MAILBOX`).
 */
export const MAILBOX = 'pharmacie-du-marche@pharmacie.mssante.fr';
export const RED_LIST_MAILBOX = 'pharmacie-discrete@pharmacie.mssante.fr';

export interface InboundGatewayFixture {
  pki: TestPki;
  store: TestStore;
  dataDir: string;
  whitelistFile: string;
  port: number;
  listener: InboundListener;
  /** Resolves with the first session, closed or to close, that `match` accepts. */
  sessionClosed(match: (summary: SessionSummary) => boolean): Promise<SessionSummary>;
  /** Stops the listener and starts a new one (same store and blobs) on a new port. */
  restart(): Promise<void>;
  /** TLS options presenting `identity` (or no certificate), trusting the test root. */
  tls(identity: TestIdentity | null): ConnectionOptions;
  inboundCount(): Promise<number>;
  auditActions(): Promise<
    {
      action: string;
      result: string;
      reason: string | null;
      target: string | null;
      on_behalf_of: string | null;
      request_id: string | null;
    }[]
  >;
  blobFiles(): string[];
  blobs: ReturnType<typeof createFileBlobStore>;
  /** Every line the listener logged (pino JSON, level info and up). */
  logs: string[];
  dispose(): Promise<void>;
}

export async function startInboundGateway(
  /** Taken over: disposed with the fixture. */
  store: TestStore,
  options: {
    /** Check revocation with the test PKI's CRLs. */
    crl?: boolean;
    limits?: Partial<SmtpInLimits>;
    tls?: 'starttls' | 'implicit';
    delivery?: DeliveryPort;
    /** Told of every delivery's outcome (the spool's, unless `delivery` is given). */
    onDelivery?: (outcome: Promise<unknown>) => void;
    whitelist?: string;
  } = {},
): Promise<InboundGatewayFixture> {
  const pki = testPki();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-smtp-in-'));
  const whitelistFile = path.join(dataDir, 'listeblanchemssante.xml');
  fs.writeFileSync(
    whitelistFile,
    options.whitelist ?? whitelistXml(['operateur-a.test', 'mail.operateur-a.test', 'operateur-b.test']),
  );
  const now = new Date().toISOString();
  const directory = createDirectoryStore(store.db);
  await directory.savePharmacy(
    pharmacyRecord('750000010', 'Pharmacie du Marché', orgMailbox('pharmacie-du-marche')),
    now,
  );
  await directory.savePharmacy(
    pharmacyRecord('750000028', 'Pharmacie Discrète', orgMailbox('pharmacie-discrete', false)),
    now,
  );
  const blobs = createFileBlobStore({ root: path.join(dataDir, 'blobs'), key: randomBytes(32) });
  const audit = createAuditTrail(store, {
    key: randomBytes(32),
    chainKey: TEST_CHAIN_KEY,
    clock: systemClock,
  });
  const smtpIn: SmtpInConfig = {
    host: '127.0.0.1',
    port: 0,
    tls: options.tls ?? 'starttls',
    name: 'mx.officine.test',
    certFile: pki.server.cert,
    keyFile: pki.server.key,
    caFile: pki.trustBundle,
    crlFile: options.crl ? pki.crls : null,
    whitelist: { source: whitelistFile, reloadMinutes: 60 },
    limits: { ...DEFAULT_SMTP_IN_LIMITS, ...options.limits },
  };
  const config = {
    gateway: { hostedDomains: ['patient.mssante.fr', 'pharmacie.mssante.fr'], smtpIn },
  } as Config;
  const waiters = new Set<{ match: (s: SessionSummary) => boolean; resolve: (s: SessionSummary) => void }>();
  const closed: SessionSummary[] = [];
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const make = () =>
    createInboundGateway({ config, store, blobs, audit, clock: systemClock }, smtpIn, {
      logger,
      ...(options.delivery || options.onDelivery ? { delivery: observed() } : {}),
      onSessionClosed: (summary) => {
        closed.push(summary);
        for (const waiter of waiters)
          if (waiter.match(summary)) {
            waiters.delete(waiter);
            waiter.resolve(summary);
          }
      },
    });
  function observed(): DeliveryPort {
    const inner =
      options.delivery ??
      createSpoolDelivery({
        store,
        blobs,
        audit,
        clock: systemClock,
        maxBytes: smtpIn.limits.maxMessageBytes,
      });
    return {
      deliver(envelope, message) {
        const outcome = inner.deliver(envelope, message);
        options.onDelivery?.(outcome);
        return outcome;
      },
    };
  }
  let listener = make();
  let port = (await listener.start()).port;

  const fixture: InboundGatewayFixture = {
    pki,
    store,
    dataDir,
    whitelistFile,
    get port() {
      return port;
    },
    get listener() {
      return listener;
    },
    sessionClosed: (match) => {
      const ready = closed.find(match);
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.add({ match, resolve }));
    },
    async restart() {
      await listener.close();
      listener = make();
      port = (await listener.start()).port;
    },
    tls: (identity) => ({
      ca: fs.readFileSync(pki.rootCa),
      servername: 'mx.officine.test',
      ...(identity ? { cert: fs.readFileSync(identity.cert), key: fs.readFileSync(identity.key) } : {}),
    }),
    async inboundCount() {
      const row = await store.db
        .selectFrom('inbound_mail')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    auditActions: () =>
      store.db
        .selectFrom('audit_records')
        .select(['action', 'result', 'reason', 'target', 'on_behalf_of', 'request_id'])
        .where('action', 'like', 'smtp.%')
        .orderBy('seq')
        .execute(),
    blobFiles: () =>
      fs.existsSync(path.join(dataDir, 'blobs'))
        ? (
            fs.readdirSync(path.join(dataDir, 'blobs'), { recursive: true, encoding: 'utf8' }) as string[]
          ).filter((f) => /[0-9a-f]{64}$/.test(f))
        : [],
    blobs,
    logs,
    async dispose() {
      await listener.close();
      await store.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** swaks (Debian) against the listener: its exit code and transcript. */
export function swaks(port: number, args: string[]): Promise<{ code: number; transcript: string }> {
  return new Promise((resolve) => {
    execFile(
      'swaks',
      ['--server', '127.0.0.1', '--port', String(port), '--helo', 'client.operateur-a.test', ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, transcript: `${stdout}${stderr}` });
      },
    );
  });
}

/** The last error reply swaks printed (`<** 550 5.7.1 …`, `<~* …`), as [code, enhanced]. */
export function swaksRefusal(transcript: string): [number, string | null] | null {
  const lines = transcript.split('\n').filter((l) => /^<~?\*+ |^<\*\* /.test(l));
  const last = lines.at(-1);
  if (!last) return null;
  const match = /^<~?\*+\s+(\d{3})[ -](?:([245]\.\d+\.\d+) )?/.exec(last);
  return match ? [Number(match[1]), match[2] ?? null] : null;
}
