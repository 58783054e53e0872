import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ProcessedAttachment } from './attachment.ts';
import { type PipelineDeps, processAttachment } from './pipeline.ts';
import { MessageUploadBudget, receiveUpload } from './upload.ts';

/**
 * The files of one message as they arrive (a multipart upload): each streams to a temp file under
 * the message's budget (count, per-file and per-message bytes), goes through the pipeline, and
 * its temp file is removed whatever happens. Throws the pipeline's ATTACHMENT_* errors.
 */
export interface MessageUploads {
  file(stream: Readable, declaredFileName: string | null | undefined): Promise<ProcessedAttachment>;
}

export function messageUploads(deps: PipelineDeps & { tmpDir: string }): MessageUploads {
  const budget = new MessageUploadBudget(deps.limits);
  return {
    async file(stream, declaredFileName) {
      let cap: ReturnType<MessageUploadBudget['next']>;
      try {
        cap = budget.next();
      } catch (error) {
        stream.resume();
        throw error;
      }
      const upload = await receiveUpload(stream, { tmpDir: deps.tmpDir, ...cap });
      budget.add(upload.size);
      try {
        return await processAttachment(upload, declaredFileName, deps);
      } finally {
        await upload.discard();
      }
    },
  };
}

/** Where uploads wait while they are processed: `DATA_DIR/tmp`. */
export const uploadTmpDir = (dataDir: string) => path.join(dataDir, 'tmp');
