import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DomainError } from '../domain-error.ts';
import { type AttachmentErrorCode, attachmentError } from './errors.ts';
import type { RgbaImage } from './image.ts';
import { type AttachmentLimits, DEFAULT_LIMITS, workerDeadlineMs } from './limits.ts';
import type { HeicLimits, PdfAnalysis, WorkerReply, WorkerResults, WorkerTask } from './worker-thread.ts';

/**
 * The pipeline's CPU-bound steps, on a small pool of worker threads (piscina) so that a 50-page
 * PDF or a 12-Mpx HEIC never holds the event loop — other requests and the event streams go on.
 * Threads start on the first file and stop after an hour idle (a thread's start, ~0.5–1 s to load
 * pdf.js and the wasm modules, is not paid by every patient of a quiet day). Created by app.ts,
 * closed by `app.close()`.
 *
 * Bounded work per person (design note §3.8):
 * - **Fair share.** Each task names its owner (the person whose file it is). An owner has at
 *   most `workerTasksPerPerson` tasks running; waiting tasks are started owner by owner, in
 *   turn, so one person's three heavy PDFs delay another's photo by one task at most. A task
 *   with no owner is its own owner.
 * - **Deadlines start with the work.** `workerDeadlineMs` (src/attachments/limits.ts) counts
 *   from the moment a thread starts the task, never the wait for a thread. A thread still busy
 *   at its deadline is terminated (not left running) and replaced on demand.
 * - **Memory.** Each thread's JavaScript heap is capped (`workerHeapMb`, `resourceLimits`); a
 *   thread that holds more than `workerRecycleMb` of heap and buffers after a task is
 *   terminated, so that one large file does not leave its memory to the process.
 *
 * Outcomes are those of the same steps run in place: the refusals of src/attachments/pdf.ts and
 * heic.ts come back as they are. A thread that crashes, runs out of heap or passes its deadline
 * is stopped and the file refused: a PDF as ATTACHMENT_PDF_INVALID (`crash`) or
 * ATTACHMENT_PDF_TOO_COMPLEX (`timeout`, `memory`), a photo as ATTACHMENT_IMAGE_INVALID with the
 * same reasons. A QR scan that fails finds no number, as before: the scan is a convenience.
 */
export interface AttachmentWorkers {
  /** A PDF parsed, checked and flagged; its first pages drawn and scanned for QR codes. */
  pdf(bytes: Uint8Array, limits: AttachmentLimits, owner?: string): Promise<PdfAnalysis>;
  /** An HEVC HEIF photo (iPhone) decoded to oriented RGBA pixels. */
  heic(bytes: Uint8Array, limits: HeicLimits, owner?: string): Promise<RgbaImage>;
  /** E-prescription numbers read from QR codes in the pictures (src/attachments/qr.ts). */
  scan(
    images: RgbaImage[],
    limits: Pick<AttachmentLimits, 'processingSeconds'>,
    owner?: string,
  ): Promise<string[]>;
  /** Stops every thread; tasks still running or waiting are refused, later ones throw. */
  close(): Promise<void>;
}

export type StopCause = 'timeout' | 'crash' | 'memory';
export type WorkerFailure = { task: WorkerTask['op']; cause: StopCause };

export interface WorkerPoolOptions {
  /** Threads at most (ATTACHMENT_WORKERS). */
  threads: number;
  /** Memory caps and each person's share (src/attachments/limits.ts). */
  limits?: Pick<AttachmentLimits, 'workerHeapMb' | 'workerRecycleMb' | 'workerTasksPerPerson'>;
  /** A thread was stopped and replaced (to log: no personal data). */
  onFailure?: (failure: WorkerFailure) => void;
  /** A thread was replaced because of the memory it held after a task (to log). */
  onRecycle?: (memoryMb: number) => void;
  /** Tests only: another module for the threads, with the same default export as worker-thread.ts. */
  workerUrl?: URL;
}

const IDLE_MS = 60 * 60_000;

interface Job {
  owner: string;
  task: WorkerTask;
  deadlineMs: number;
  resolve(reply: WorkerReply<unknown>): void;
  reject(cause: StopCause): void;
  /** Set when the job was given back after its thread was terminated before or as it started. */
  retried?: boolean;
}

export function createAttachmentWorkers(options: WorkerPoolOptions): AttachmentWorkers {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const pool = new Piscina({
    filename: (options.workerUrl ?? new URL('./worker-thread.ts', import.meta.url)).href,
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: IDLE_MS,
    // Threads wait for tasks on their event loop (pdf.js may still have work queued after a task).
    atomics: 'disabled',
    // The sources are TypeScript: threads load them through tsx, like the main thread.
    execArgv: ['--import', import.meta.resolve('tsx')],
    resourceLimits: { maxOldGenerationSizeMb: limits.workerHeapMb },
  });

  let closed = false;
  let anonymous = 0;
  let running = 0;
  /** Waiting jobs per owner, and when each owner with work was last served (a turn number). */
  const waiting = new Map<string, Job[]>();
  const runningByOwner = new Map<string, number>();
  const lastServed = new Map<string, number>();
  let turns = 0;
  /**
   * Threads terminated on purpose after a task (ids, never reused): a job that dies with one is
   * given back, as is one given to a thread — by piscina, as the thread finished — that had not
   * started it before a retirement.
   */
  const retired = new Set<number>();
  let retirements = 0;
  let retiring = 0;

  function submit(job: Job): void {
    const queue = waiting.get(job.owner) ?? [];
    queue.push(job);
    waiting.set(job.owner, queue);
    pump();
  }

  function pump(): void {
    // A retired thread counts until it has exited: piscina would give it the next task.
    while (running + retiring < options.threads) {
      const job = next();
      if (!job) return;
      running += 1;
      runningByOwner.set(job.owner, (runningByOwner.get(job.owner) ?? 0) + 1);
      void start(job).finally(() => {
        running -= 1;
        const left = (runningByOwner.get(job.owner) ?? 1) - 1;
        if (left > 0) runningByOwner.set(job.owner, left);
        else runningByOwner.delete(job.owner);
        if (left === 0 && !waiting.has(job.owner)) lastServed.delete(job.owner);
        pump();
      });
    }
  }

  /** The eligible owner served longest ago (never, first), in order of arrival among equals. */
  function next(): Job | undefined {
    let chosen: string | undefined;
    let chosenAt = Number.POSITIVE_INFINITY;
    for (const owner of waiting.keys()) {
      if ((runningByOwner.get(owner) ?? 0) >= limits.workerTasksPerPerson) continue;
      const at = lastServed.get(owner) ?? -1;
      if (at < chosenAt) {
        chosen = owner;
        chosenAt = at;
      }
    }
    if (chosen === undefined) return undefined;
    const queue = waiting.get(chosen) ?? [];
    const job = queue.shift();
    if (queue.length === 0) waiting.delete(chosen);
    lastServed.set(chosen, turns++);
    return job;
  }

  async function start(job: Job): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let thread: number | undefined;
    const retirementsBefore = retirements;
    port1.once('message', (id: number) => {
      thread = id;
      timer = setTimeout(() => abort.abort(), job.deadlineMs);
    });
    try {
      const reply: WorkerReply<unknown> = await pool.run(
        { task: job.task, started: port2 },
        { transferList: [port2], signal: abort.signal },
      );
      if (reply.memoryMb > limits.workerRecycleMb) retire(reply.thread, reply.memoryMb);
      job.resolve(reply);
    } catch (error) {
      if (abort.signal.aborted) return job.reject('timeout');
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') return job.reject('memory');
      // Given to a thread just retired (before it could start, or as it started): not the file's fault.
      const onRetired = thread === undefined ? retirements > retirementsBefore : retired.has(thread);
      if (!closed && !job.retried && onRetired) {
        job.retried = true;
        return submit(job);
      }
      job.reject('crash');
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  function retire(thread: number, memoryMb: number): void {
    const worker = pool.threads.find((w) => w.threadId === thread);
    if (!worker) return;
    retired.add(thread);
    retirements += 1;
    retiring += 1;
    worker.once('exit', () => {
      retiring -= 1;
      pump();
    });
    options.onRecycle?.(memoryMb);
    void worker.terminate();
  }

  function run<K extends WorkerTask['op']>(
    task: WorkerTask & { op: K },
    deadlineMs: number,
    owner: string | undefined,
    stopped: (cause: StopCause) => WorkerResults[K],
  ): Promise<WorkerResults[K]> {
    // Piscina would start new threads after `destroy()`: they would outlive the app.
    if (closed) return Promise.reject(new Error('The attachment worker threads are closed'));
    return new Promise<WorkerReply<unknown>>((resolve, reject) =>
      submit({ owner: owner ?? `\0task:${anonymous++}`, task, deadlineMs, resolve, reject }),
    ).then(
      (reply) => {
        if (!reply.ok) throw new DomainError(reply.code, reply.message, reply.details);
        return reply.value as WorkerResults[K];
      },
      (cause: StopCause) => {
        options.onFailure?.({ task: task.op, cause });
        return stopped(cause);
      },
    );
  }

  return {
    pdf: (bytes, l, owner) =>
      run({ op: 'pdf', bytes, limits: l }, workerDeadlineMs(l, l.qrScanPdfPages), owner, (cause) => {
        throw cause === 'crash'
          ? attachmentError('ATTACHMENT_PDF_INVALID', { reason: cause })
          : attachmentError('ATTACHMENT_PDF_TOO_COMPLEX', { reason: cause });
      }),
    heic: (bytes, l, owner) =>
      run({ op: 'heic', bytes, limits: l }, workerDeadlineMs(l), owner, refuse('ATTACHMENT_IMAGE_INVALID')),
    scan: (images, l, owner) => run({ op: 'scan', images }, workerDeadlineMs(l), owner, () => []),
    close: async () => {
      closed = true;
      for (const queue of waiting.values()) for (const job of queue) job.reject('crash');
      waiting.clear();
      await pool.destroy();
    },
  };
}

function refuse(code: AttachmentErrorCode): (cause: StopCause) => never {
  return (cause) => {
    throw attachmentError(code, { reason: cause });
  };
}
