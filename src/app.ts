import path from 'node:path';
import type { BlobStore } from './attachments/attachment.ts';
import { BLOB_KEY_FILE, createFileBlobStore, readOrCreateBlobKey } from './attachments/blob-store.ts';
import { uploadTmpDir } from './attachments/message-uploads.ts';
import { type IntervalTimer, startUploadSweeper } from './attachments/upload-sweeper.ts';
import { type AttachmentWorkers, createAttachmentWorkers } from './attachments/worker-pool.ts';
import { chainKeyOf } from './audit/chain-key.ts';
import { createAuditTrail } from './audit/chained-trail.ts';
import { PSEUDONYM_KEY_FILE, readOrCreatePseudonymKey } from './audit/pseudonym-key.ts';
import type { AuditTrail } from './audit/trail.ts';
import { type ApiCredentialService, createApiCredentialService } from './auth/api-credentials.ts';
import type { Config } from './config.ts';
import { tightenDataDir } from './data-dir.ts';
import { openStore, type Store } from './db/connect.ts';
import { createDirectoryStore, type DirectoryStore } from './directory/store.ts';
import { createEligibilityService, type EligibilityService } from './eligibility/service.ts';
import { createEligibilityStore } from './eligibility/store.ts';
import type { EPrescriptionBase } from './eprescription/base.ts';
import { createHealthRecord, type HealthRecord } from './eprescription/health-record.ts';
import { createLocalEPrescriptionBase } from './eprescription/local-base.ts';
import type { Logger } from './logger.ts';
import { createMessagingService, type MessagingService } from './messaging/service.ts';
import type { JournalBus } from './notifications/bus.ts';
import { createEventStreams, type EventStreams } from './notifications/event-streams.ts';
import { createMemoryBus } from './notifications/memory-bus.ts';
import { createPostgresBus } from './notifications/postgres-bus.ts';
import { type Clock, systemClock } from './time/clock.ts';

/**
 * The composition root: opens the store and wires every capability to its ports.
 * Nothing here is global; tests build as many apps as they like.
 */
export interface App {
  config: Config;
  clock: Clock;
  store: Store;
  directory: DirectoryStore;
  eligibility: EligibilityService;
  audit: AuditTrail;
  /** Attachment blobs under DATA_DIR/blobs, encrypted (BLOB_ENCRYPTION_KEY, else a key file). */
  blobs: BlobStore;
  /** The pipeline's worker threads (ATTACHMENT_WORKERS): PDF, HEIC, QR scan. */
  attachmentWorkers: AttachmentWorkers;
  apiCredentials: ApiCredentialService;
  /** Conversations between patients and pharmacy teams (src/messaging/service.ts). */
  messaging: MessagingService;
  /** The e-prescription base (embedded: the demo prescriptions). */
  eprescriptions: EPrescriptionBase;
  /** Patients' documents ("Mes documents"). */
  healthRecord: HealthRecord;
  /** Journal hints between processes: in memory on SQLite, LISTEN/NOTIFY on PostgreSQL. */
  bus: JournalBus;
  /** Who may open which event stream (src/notifications/event-streams.ts). */
  events: EventStreams;
  close(): Promise<void>;
}

/** The bus for the store's engine; its problems are logged without personal data. */
function createBus(store: Store, logger: Logger | undefined): JournalBus {
  const onError = (error: unknown) =>
    logger?.warn({ code: error instanceof Error ? error.name : 'unknown' }, 'journal bus listener failed');
  if (store.engine === 'sqlite') return createMemoryBus({ onError });
  return createPostgresBus({
    db: store.db,
    client: { connectionString: store.pool.options.connectionString },
    log: (level, fields, message) => logger?.[level]({ bus: fields }, message),
  });
}

/** Where attachment blobs live: DATA_DIR/blobs (the store, and the sweep). */
export function blobRoot(config: Config): string {
  return path.join(config.dataDir, 'blobs');
}

export async function createApp(
  config: Config,
  deps: { clock?: Clock; store?: Store; logger?: Logger; timer?: IntervalTimer } = {},
): Promise<App> {
  const clock = deps.clock ?? systemClock;
  // DATA_DIR holds health data: owner-only. One warning when an existing one was not.
  const tightened = tightenDataDir(config.dataDir);
  if (tightened.length > 0) {
    deps.logger?.warn(
      { dataDir: config.dataDir, tightened },
      'data folder was open to other users: now owner-only',
    );
  }
  const store = deps.store ?? (await openStore(config.database));
  // Upload temp files left by a crash: swept now, then periodically until close.
  const uploadSweeper = startUploadSweeper({
    tmpDir: uploadTmpDir(config.dataDir),
    clock,
    ...(deps.timer && { timer: deps.timer }),
    onError: (error) =>
      deps.logger?.warn(
        { code: error instanceof Error ? error.name : 'unknown' },
        'upload temp sweep failed',
      ),
  });
  await uploadSweeper.sweep();
  const bus = createBus(store, deps.logger);
  const audit = createAuditTrail(store, {
    // Without AUDIT_PSEUDONYM_KEY, the key file is read or created on first use.
    key:
      config.auditPseudonymKey ??
      (() => readOrCreatePseudonymKey(path.join(config.dataDir, PSEUDONYM_KEY_FILE))),
    // Without AUDIT_CHAIN_KEY, the key file is read or created at the first append.
    chainKey: () => chainKeyOf(config),
    clock,
  });
  const blobs = createFileBlobStore({
    root: blobRoot(config),
    // Without BLOB_ENCRYPTION_KEY, the key file is read or created on first use.
    key: config.blobEncryptionKey ?? (() => readOrCreateBlobKey(path.join(config.dataDir, BLOB_KEY_FILE))),
  });
  const attachmentWorkers = createAttachmentWorkers({
    threads: config.attachmentWorkers,
    limits: config.attachments,
    onFailure: (failure) => deps.logger?.warn({ worker: failure }, 'attachment worker thread stopped'),
  });
  const eprescriptions = createLocalEPrescriptionBase(store.db);
  const eligibility = createEligibilityService({
    store: createEligibilityStore(store),
    clock,
    windowMonths: config.eligibilityWindowMonths,
  });
  return {
    config,
    clock,
    store,
    directory: createDirectoryStore(store.db),
    eligibility,
    audit,
    blobs,
    attachmentWorkers,
    apiCredentials: createApiCredentialService({ store, audit, clock }),
    messaging: createMessagingService({
      store,
      audit,
      clock,
      eligibility,
      messageIdDomain: config.messaging.messageIdDomain,
      quotas: config.messaging.quotas,
      attachmentLimits: config.attachments,
      prescriptions: eprescriptions,
      blobs,
      bus,
    }),
    eprescriptions,
    healthRecord: createHealthRecord({ db: store.db, audit, prescriptions: eprescriptions }),
    bus,
    events: createEventStreams({ db: store.db, audit, realertMinutes: config.realtime.realertMinutes }),
    close: async () => {
      await uploadSweeper.stop();
      await attachmentWorkers.close();
      await bus.close();
      await store.close();
    },
  };
}
