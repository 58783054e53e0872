import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ProcessedAttachment } from './attachment.ts';
import { type PipelineDeps, processAttachment } from './pipeline.ts';
import { MessageUploadBudget, type ReceivedUpload, receiveUpload } from './upload.ts';

/**
 * The files of one message as they arrive (a multipart upload), in two steps. `receive` streams
 * each to a temp file under the message's budget (count, per-file and per-message bytes) and
 * looks at nothing else; only once the whole request is in and checked does `process` run them
 * through the pipeline (decoding, parsing, blobs). A request cut short, or refused before
 * `process`, has cost temp files only, which `discard` removes. Throws the pipeline's
 * ATTACHMENT_* errors.
 */
export interface MessageUploads {
  receive(stream: Readable, declaredFileName: string | null | undefined): Promise<void>;
  /** SHA-256 (hex) of each received file's bytes as sent, in order. */
  received(): readonly string[];
  /** Processes the received files, in order; their temp files are removed whatever happens. */
  process(): Promise<ProcessedAttachment[]>;
  /** Removes the temp files not processed yet (a refusal, an abort); may be called again. */
  discard(): Promise<void>;
}

export function messageUploads(deps: PipelineDeps & { tmpDir: string }): MessageUploads {
  const budget = new MessageUploadBudget(deps.limits);
  const waiting: { upload: ReceivedUpload; fileName: string | null | undefined }[] = [];
  const discardAll = async () => {
    const all = waiting.splice(0);
    await Promise.all(all.map((w) => w.upload.discard()));
  };
  return {
    async receive(stream, declaredFileName) {
      let cap: ReturnType<MessageUploadBudget['next']>;
      try {
        cap = budget.next();
      } catch (error) {
        stream.resume();
        throw error;
      }
      const upload = await receiveUpload(stream, { tmpDir: deps.tmpDir, ...cap });
      budget.add(upload.size);
      waiting.push({ upload, fileName: declaredFileName });
    },

    received: () => waiting.map((w) => w.upload.sha256),

    async process() {
      const processed: ProcessedAttachment[] = [];
      try {
        for (const { upload, fileName } of waiting)
          processed.push(await processAttachment(upload, fileName, deps));
      } finally {
        await discardAll();
      }
      return processed;
    },

    discard: discardAll,
  };
}

/** Where uploads wait while they are processed: `DATA_DIR/tmp`. */
export const uploadTmpDir = (dataDir: string) => path.join(dataDir, 'tmp');
