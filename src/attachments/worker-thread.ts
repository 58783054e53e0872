import { type MessagePort, threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { DomainError } from '../domain-error.ts';
import type { AttachmentFlag } from './attachment.ts';
import { decodeHeic } from './heic.ts';
import type { RgbaImage } from './image.ts';
import type { AttachmentLimits } from './limits.ts';
import { processPdf } from './pdf.ts';
import { scanPrescriptionNumbers } from './qr.ts';

/**
 * What a worker thread of the pool (src/attachments/worker-pool.ts) runs: the steps of the pipeline
 * that are synchronous JavaScript or WebAssembly and would otherwise hold the event loop — pdf.js
 * parsing and drawing, heic-decode, the zxing QR scan. sharp is not used here: libvips already
 * works off the event loop, and stopping a thread in the middle of a sharp call is not safe.
 *
 * A refusal (DomainError) comes back as a value — errors lose their code on the way between
 * threads. Pixels go both ways as transferred buffers, not copies. The thread says when it
 * starts a task (its deadline starts then, not while the task waits) on the port it is given,
 * and every reply tells how much memory the thread holds, for the pool to replace a thread that
 * grew too large.
 */
export type WorkerTask =
  | { op: 'pdf'; bytes: Uint8Array; limits: AttachmentLimits }
  | { op: 'heic'; bytes: Uint8Array; limits: HeicLimits }
  | { op: 'scan'; images: RgbaImage[] };

export type HeicLimits = Pick<AttachmentLimits, 'maxImagePixels' | 'processingSeconds'>;

/** A PDF: pages, flags, the first page drawn (for the thumbnail) and the QR codes of the first pages. */
export interface PdfAnalysis {
  pages: number;
  flags: AttachmentFlag[];
  firstPage: RgbaImage | null;
  prescriptionNumbers: string[];
}

export interface WorkerResults {
  pdf: PdfAnalysis;
  heic: RgbaImage;
  scan: string[];
}

/** What the pool sends: the task, and the port on which the thread says it started it (its id). */
export interface WorkerMessage {
  task: WorkerTask;
  started: MessagePort;
}

export type WorkerReply<T> = (
  | { ok: true; value: T }
  | { ok: false; code: string; message: string; details: Readonly<Record<string, unknown>> }
) & {
  /** The thread's JavaScript heap and buffers once the task is over, in MiB. */
  memoryMb: number;
  /** The thread's id (the reply may arrive before the message saying it started). */
  thread: number;
};

export default async function runTask({ task, started }: WorkerMessage): Promise<unknown> {
  started.postMessage(threadId);
  started.close();
  try {
    const value = await perform(task);
    const reply: WorkerReply<typeof value> = { ok: true, value, memoryMb: memoryMb(), thread: threadId };
    return move({
      [transferableSymbol]: pixelsOf(value).map((image) => image.data.buffer),
      [valueSymbol]: reply,
    });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const reply: WorkerReply<never> = {
      ok: false,
      code: error.code,
      message: error.message,
      details: error.details,
      memoryMb: memoryMb(),
      thread: threadId,
    };
    return reply;
  }
}

/** In a worker thread, heap and external memory are the thread's own (rss is the process's). */
function memoryMb(): number {
  const { heapTotal, external } = process.memoryUsage();
  return Math.round((heapTotal + external) / (1024 * 1024));
}

async function perform(task: WorkerTask): Promise<WorkerResults[WorkerTask['op']]> {
  switch (task.op) {
    case 'pdf': {
      const pdf = await processPdf(task.bytes, task.limits);
      return {
        pages: pdf.pages,
        flags: pdf.flags,
        firstPage: pdf.scans[0] ?? null,
        prescriptionNumbers: await scanPrescriptionNumbers(pdf.scans),
      };
    }
    case 'heic':
      return decodeHeic(task.bytes, task.limits);
    case 'scan':
      return scanPrescriptionNumbers(task.images);
  }
}

function pixelsOf(value: WorkerResults[keyof WorkerResults]): RgbaImage[] {
  if (Array.isArray(value)) return [];
  if ('data' in value) return [value];
  return value.firstPage ? [value.firstPage] : [];
}
