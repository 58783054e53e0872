import { Readable } from 'node:stream';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { type PipelineDeps, processAttachment } from '../attachments/pipeline.ts';
import { receiveUpload } from '../attachments/upload.ts';
import type { HealthRecord, HealthRecordContext, HealthRecordPatient } from './health-record.ts';

/**
 * Documents a patient picks from their health record to send ("Mes documents" → message): each
 * one's PDF goes through the same attachment pipeline as an upload (sniffed, parsed, scanned,
 * stored durably and encrypted), and an e-prescription travels with its number even when its QR
 * code could not be read back.
 */
export interface RecordAttachmentDeps extends PipelineDeps {
  healthRecord: HealthRecord;
  /** Folder of temp files, normally `DATA_DIR/tmp`. */
  tmpDir: string;
}

export async function attachRecordDocuments(
  deps: RecordAttachmentDeps,
  patient: HealthRecordPatient,
  documentIds: readonly string[],
  context?: HealthRecordContext,
): Promise<ProcessedAttachment[]> {
  const attachments: ProcessedAttachment[] = [];
  for (const id of documentIds) {
    const file = await deps.healthRecord.document(patient, id, context);
    const upload = await receiveUpload(Readable.from([Buffer.from(file.bytes)]), {
      tmpDir: deps.tmpDir,
      maxBytes: deps.limits.maxFileBytes,
    });
    try {
      const processed = await processAttachment(upload, file.fileName, deps);
      const numbers = new Set([...processed.prescriptionNumbers, ...file.prescriptionNumbers]);
      attachments.push({ ...processed, prescriptionNumbers: [...numbers] });
    } finally {
      await upload.discard();
    }
  }
  return attachments;
}
