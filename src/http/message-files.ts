import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { messageUploads, uploadTmpDir } from '../attachments/message-uploads.ts';
import { attachRecordDocuments } from '../eprescription/record-attachments.ts';
import { idempotencyActor } from '../messaging/actors.ts';
import type { PatientActor, TeamMember } from '../messaging/service.ts';
import type { MultipartFiles } from './api-routes.ts';

/**
 * The files of a message sent as multipart/form-data (field `files`), through the pipeline.
 * `authorize` runs before the first byte is read: an anonymous caller stores nothing. The caller
 * owns the files in the worker pool's fair share (src/attachments/worker-pool.ts).
 */
export function messageFiles(
  app: App,
  authorize: (request: FastifyRequest) => PatientActor | TeamMember,
): MultipartFiles<ProcessedAttachment> {
  return {
    field: 'files',
    description: 'Photos (JPEG, PNG, HEIC/HEIF) and PDFs, within the attachment limits',
    receiver: (request) => {
      const actor = authorize(request);
      return messageUploads({
        blobs: app.blobs,
        limits: app.config.attachments,
        workers: app.attachmentWorkers,
        tmpDir: uploadTmpDir(app.config.dataDir),
        owner: idempotencyActor(actor),
      });
    },
  };
}

/** Documents the patient picks from their health record, through the same pipeline. */
export function recordFiles(
  app: App,
  patient: PatientActor,
  documentIds: readonly string[],
  requestId: string,
): Promise<ProcessedAttachment[]> {
  const deps = {
    healthRecord: app.healthRecord,
    blobs: app.blobs,
    limits: app.config.attachments,
    workers: app.attachmentWorkers,
    tmpDir: uploadTmpDir(app.config.dataDir),
    owner: idempotencyActor(patient),
  };
  return attachRecordDocuments(deps, patient, documentIds, { requestId });
}
