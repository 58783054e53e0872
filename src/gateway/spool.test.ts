import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createFileBlobStore } from '../attachments/blob-store.ts';
import { sweepBlobs } from '../attachments/blob-sweep.ts';
import { createAuditTrail } from '../audit/chained-trail.ts';
import { referencedBlobs } from '../messaging/blob-references.ts';
import { systemClock } from '../time/clock.ts';
import type { InboundEnvelope } from './delivery.ts';
import { SmtpRefusal } from './replies.ts';
import { createSpoolDelivery } from './spool.ts';

let store: TestStore;
let dir: string;
before(async () => {
  store = await openTestStore();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-spool-'));
});
after(async () => {
  await store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const envelope: InboundEnvelope = {
  sessionId: 'testsession00001',
  mailFrom: 'secretariat@operateur-a.test',
  rcptTo: [{ address: 'pharmacie-du-marche@pharmacie.mssante.fr', notify: ['FAILURE'], orcpt: null }],
  dsn: { envid: 'ENV-1', ret: 'HDRS' },
  peerDomain: 'operateur-a.test',
  peerAddress: '127.0.0.1',
  tls: {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    fingerprint: 'AB:CD',
    certificateNames: ['operateur-a.test'],
  },
};

const spool = () =>
  createSpoolDelivery({
    store,
    blobs: createFileBlobStore({ root: path.join(dir, 'blobs'), key: Buffer.alloc(32, 3) }),
    audit: createAuditTrail(store, { key: randomBytes(32), chainKey: TEST_CHAIN_KEY, clock: systemClock }),
    clock: systemClock,
    maxBytes: 64,
  });

test('a spooled message keeps its blob from the blob sweep', async () => {
  const receipt = await spool().deliver(
    envelope,
    Readable.from([Buffer.from('Subject: x\r\n\r\nBonjour\r\n')]),
  );
  const row = await store.db
    .selectFrom('inbound_mail')
    .selectAll()
    .where('id', '=', receipt.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(await referencedBlobs(store.db, [row.blob_sha256]), new Set([row.blob_sha256]));
  const report = await sweepBlobs({
    root: path.join(dir, 'blobs'),
    referenced: (sha256s) => referencedBlobs(store.db, sha256s),
    before: new Date(Date.now() + 3_600_000),
  });
  assert.deepEqual([report.examined, report.removed], [1, 0]);
});

test('a message over the limit is refused (552 5.3.4) and nothing is written', async () => {
  const rows = async () => (await store.db.selectFrom('inbound_mail').select('id').execute()).length;
  const before = await rows();
  await assert.rejects(
    spool().deliver(envelope, Readable.from([Buffer.alloc(40, 97), Buffer.alloc(40, 98)])),
    (error) => error instanceof SmtpRefusal && error.code === 'MESSAGE_TOO_LARGE' && error.reply.code === 552,
  );
  assert.equal(await rows(), before);
});
