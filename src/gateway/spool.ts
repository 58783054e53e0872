import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import type { BlobStore } from '../attachments/attachment.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { Store } from '../db/connect.ts';
import type { Clock } from '../time/clock.ts';
import { auditDomain } from './audit.ts';
import type { DeliveryPort, InboundEnvelope } from './delivery.ts';
import { SmtpRefusal } from './replies.ts';

/**
 * The delivery port's first implementation: a durable spool in the store. The raw message goes
 * to the encrypted blob store (written and fsynced, design note §3.2), then one transaction
 * inserts its `inbound_mail` row (state `received`) and the `smtp.accept` audit record; the
 * listener answers 250 only after that commit. Nothing turns spooled mail into conversations yet:
 * the next slice reads `received` rows (parsing them with src/mail/) and does.
 *
 * The message is held in memory while it streams (at most `maxBytes`, the listener's SIZE), as the
 * blob store takes whole buffers. A fault of the blob store or the database is temporary
 * (451 4.3.0: the sender retries); a message over `maxBytes` is refused (552 5.3.4).
 */
export interface SpoolDeliveryOptions {
  store: Store;
  blobs: BlobStore;
  audit: AuditTrail;
  clock: Clock;
  maxBytes: number;
  /** Told about faults, without personal data. */
  onFault?: (stage: 'blob' | 'commit', error: unknown) => void;
}

export function createSpoolDelivery(options: SpoolDeliveryOptions): DeliveryPort {
  const { store, blobs, audit, clock, maxBytes } = options;
  return {
    async deliver(envelope: InboundEnvelope, message: Readable) {
      const bytes = await readBounded(message, maxBytes);
      let blob: Awaited<ReturnType<BlobStore['put']>>;
      try {
        blob = await blobs.put(bytes);
      } catch (error) {
        options.onFault?.('blob', error);
        throw new SmtpRefusal('TEMPORARY_FAILURE');
      }
      const id = uuidv7();
      try {
        await store.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('inbound_mail')
            .values({
              id,
              received_at: clock.now().toISOString(),
              state: 'received',
              session_id: envelope.sessionId,
              peer_domain: envelope.peerDomain,
              peer_address: envelope.peerAddress,
              peer_fingerprint: envelope.tls.fingerprint,
              tls_protocol: envelope.tls.protocol,
              tls_cipher: envelope.tls.cipher,
              mail_from: envelope.mailFrom,
              rcpt_to: JSON.stringify(envelope.rcptTo),
              dsn_envid: envelope.dsn.envid,
              dsn_ret: envelope.dsn.ret,
              blob_sha256: blob.sha256,
              size: blob.size,
            })
            .execute();
          await audit.record(
            {
              actor: { kind: 'anonymous' },
              onBehalfOf: auditDomain(envelope.peerDomain),
              action: 'smtp.accept',
              target: id,
              requestId: `smtp:${envelope.sessionId}`,
              result: 'success',
            },
            trx,
          );
        });
      } catch (error) {
        options.onFault?.('commit', error);
        throw new SmtpRefusal('TEMPORARY_FAILURE');
      }
      return { id };
    },
  };
}

async function readBounded(message: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new SmtpRefusal('MESSAGE_TOO_LARGE', `limite ${maxBytes} octets`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
