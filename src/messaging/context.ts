import type { BlobStore } from '../attachments/attachment.ts';
import type { AttachmentLimits } from '../attachments/limits.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { Store } from '../db/connect.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import type { EPrescriptionBase } from '../eprescription/base.ts';
import type { JournalBus } from '../notifications/bus.ts';
import type { Clock } from '../time/clock.ts';
import type { QuotaLimits } from './limits.ts';
import type { Perform } from './perform.ts';

/** What the use cases share, built once by createMessagingService. */
export interface MessagingDeps {
  store: Store;
  audit: AuditTrail;
  clock: Clock;
  eligibility: EligibilityService;
  /** The right-hand side of Message-IDs (`MESSAGE_ID_DOMAIN`). */
  messageIdDomain: string;
  quotas: QuotaLimits;
  /** Attachments per message (src/attachments/limits.ts). */
  attachmentLimits: Pick<AttachmentLimits, 'minFiles' | 'maxFiles'>;
  /**
   * The blob store: when given, every attachment's blobs must be in it before its record is
   * written (the bytes are durable before the message is acknowledged, design note §3.2).
   */
  blobs?: Pick<BlobStore, 'has'>;
  /** The e-prescription base the team reads prescriptions from (team.prescription). */
  prescriptions?: EPrescriptionBase;
  /** For "today" in status dates; default Europe/Paris. */
  timeZone?: string;
  /** Where the journal hints of committed actions go (the real-time channel); none: no hints. */
  bus?: Pick<JournalBus, 'publish'>;
}

export interface MessagingContext extends MessagingDeps {
  perform: Perform;
}
