import { Piscina } from 'piscina';
import { DomainError } from '../domain-error.ts';
import { type AttachmentErrorCode, attachmentError } from './errors.ts';
import type { RgbaImage } from './image.ts';
import { type AttachmentLimits, workerDeadlineMs } from './limits.ts';
import type { HeicLimits, PdfAnalysis, WorkerReply, WorkerResults, WorkerTask } from './worker-thread.ts';

/**
 * The pipeline's CPU-bound steps, on a small pool of worker threads (piscina) so that a 50-page
 * PDF or a 12-Mpx HEIC never holds the event loop — other requests and the event streams go on.
 * Threads start on the first file and stop after an hour idle (a thread's start, ~0.5–1 s to load
 * pdf.js and the wasm modules, is not paid by every patient of a quiet day); files beyond the pool's size
 * wait their turn. Created by app.ts, closed by `app.close()`.
 *
 * Outcomes are those of the same steps run in place: the refusals of src/attachments/pdf.ts and
 * heic.ts come back as they are. A thread that crashes, or is still busy at its deadline
 * (`workerDeadlineMs`, src/attachments/limits.ts; the wait for a free thread counts), is stopped
 * and replaced, and the file is refused as unreadable: ATTACHMENT_PDF_INVALID or
 * ATTACHMENT_IMAGE_INVALID with `details.reason` `timeout` or `crash`. A QR scan that fails finds
 * no number, as before: the scan is a convenience.
 */
export interface AttachmentWorkers {
  /** A PDF parsed, checked and flagged; its first pages drawn and scanned for QR codes. */
  pdf(bytes: Uint8Array, limits: AttachmentLimits): Promise<PdfAnalysis>;
  /** An HEVC HEIF photo (iPhone) decoded to oriented RGBA pixels. */
  heic(bytes: Uint8Array, limits: HeicLimits): Promise<RgbaImage>;
  /** E-prescription numbers read from QR codes in the pictures (src/attachments/qr.ts). */
  scan(images: RgbaImage[], limits: Pick<AttachmentLimits, 'processingSeconds'>): Promise<string[]>;
  /** Stops every thread; tasks still running or waiting are refused, later ones throw. */
  close(): Promise<void>;
}

export type StopCause = 'timeout' | 'crash';
export type WorkerFailure = { task: WorkerTask['op']; cause: StopCause };

export interface WorkerPoolOptions {
  /** Threads at most (ATTACHMENT_WORKERS). */
  threads: number;
  /** A thread was stopped and replaced (to log: no personal data). */
  onFailure?: (failure: WorkerFailure) => void;
  /** Tests only: another module for the threads, with the same default export as worker-thread.ts. */
  workerUrl?: URL;
}

const IDLE_MS = 60 * 60_000;

export function createAttachmentWorkers(options: WorkerPoolOptions): AttachmentWorkers {
  const pool = new Piscina({
    filename: (options.workerUrl ?? new URL('./worker-thread.ts', import.meta.url)).href,
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: IDLE_MS,
    // Threads wait for tasks on their event loop (pdf.js may still have work queued after a task).
    atomics: 'disabled',
    // The sources are TypeScript: threads load them through tsx, like the main thread.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });

  let closed = false;

  async function run<K extends WorkerTask['op']>(
    task: WorkerTask & { op: K },
    deadlineMs: number,
    stopped: (cause: StopCause) => WorkerResults[K],
  ): Promise<WorkerResults[K]> {
    // Piscina would start new threads after `destroy()`: they would outlive the app.
    if (closed) throw new Error('The attachment worker threads are closed');
    let reply: WorkerReply<WorkerResults[K]>;
    try {
      reply = await pool.run(task, { signal: AbortSignal.timeout(deadlineMs) });
    } catch (error) {
      const cause = error instanceof Error && error.name === 'AbortError' ? 'timeout' : 'crash';
      options.onFailure?.({ task: task.op, cause });
      return stopped(cause);
    }
    if (!reply.ok) throw new DomainError(reply.code, reply.message, reply.details);
    return reply.value;
  }

  return {
    pdf: (bytes, limits) =>
      run(
        { op: 'pdf', bytes, limits },
        workerDeadlineMs(limits, limits.qrScanPdfPages),
        refuse('ATTACHMENT_PDF_INVALID'),
      ),
    heic: (bytes, limits) =>
      run({ op: 'heic', bytes, limits }, workerDeadlineMs(limits), refuse('ATTACHMENT_IMAGE_INVALID')),
    scan: (images, limits) => run({ op: 'scan', images }, workerDeadlineMs(limits), () => []),
    close: () => {
      closed = true;
      return pool.destroy();
    },
  };
}

function refuse(code: AttachmentErrorCode): (cause: StopCause) => never {
  return (cause) => {
    throw attachmentError(code, { reason: cause });
  };
}
