import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import type { ProcessedAttachment } from './attachment.ts';
import { createFileBlobStore } from './blob-store.ts';
import { type AttachmentLimits, attachmentLimits, DEFAULT_LIMITS } from './limits.ts';
import { processAttachment } from './pipeline.ts';
import { prescriptionPhoto } from './test-fixtures/images.ts';
import { heavyPdf, makePdf } from './test-fixtures/pdfs.ts';
import { receiveUpload } from './upload.ts';
import {
  type AttachmentWorkers,
  createAttachmentWorkers,
  type WorkerFailure,
  type WorkerPoolOptions,
} from './worker-pool.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-workers-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const blobs = createFileBlobStore({ root: path.join(root, 'blobs'), key: Buffer.alloc(32, 7) });
const limits = attachmentLimits();

async function send(
  bytes: Buffer,
  workers: AttachmentWorkers,
  l = limits,
  owner?: string,
): Promise<ProcessedAttachment> {
  const upload = await receiveUpload(Readable.from([bytes]), {
    tmpDir: path.join(root, 'tmp'),
    maxBytes: l.maxFileBytes,
  });
  try {
    return await processAttachment(upload, 'document.pdf', { blobs, limits: l, workers, owner });
  } finally {
    await upload.discard();
  }
}

/** A faulty thread module (test-fixtures/faulty-worker-thread.ts): `%CRASH`, `%HANG`, `%HEAP`, `%KEEP`. */
function faultyWorkers(
  failures: WorkerFailure[],
  options: Partial<WorkerPoolOptions> = {},
): AttachmentWorkers {
  return createAttachmentWorkers({
    threads: 1,
    workerUrl: new URL('./test-fixtures/faulty-worker-thread.ts', import.meta.url),
    onFailure: (failure) => failures.push(failure),
    ...options,
  });
}

const withComment = async (comment: string) =>
  Buffer.concat([await makePdf(), Buffer.from(`\n${comment}\n`)]);

test('the event loop keeps ticking while a heavy PDF is parsed and drawn in a worker thread', async (t) => {
  const workers = createAttachmentWorkers({ threads: 1 });
  t.after(() => workers.close());
  await send(await makePdf(), workers); // the thread is started and warm
  const pdf = await heavyPdf({ pages: 50, strokesPerPage: 1500 });

  let ticks = 0;
  const ticker = setInterval(() => ticks++, 10);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const out = await send(pdf, workers);
  const elapsed = performance.now() - started;
  delay.disable();
  clearInterval(ticker);

  assert.equal(out.pages, 50);
  assert.ok(out.thumbnail);
  t.diagnostic(
    `${elapsed.toFixed(0)} ms, ${ticks} ticks of 10 ms, event loop max delay ${(delay.max / 1e6).toFixed(0)} ms`,
  );
  // In place, pdf.js holds the loop for most of the analysis: a handful of ticks at most.
  assert.ok(ticks >= 25, `the loop ticked ${ticks} times in ${elapsed.toFixed(0)} ms`);
});

test('a worker thread that crashes: the PDF is refused as unreadable, the thread replaced', async (t) => {
  const failures: WorkerFailure[] = [];
  const workers = faultyWorkers(failures);
  t.after(() => workers.close());
  await assert.rejects(send(await withComment('%CRASH'), workers), {
    code: 'ATTACHMENT_PDF_INVALID',
    message: 'Ce PDF est illisible ou endommagé.',
    details: { reason: 'crash' },
  });
  assert.deepEqual(failures, [{ task: 'pdf', cause: 'crash' }]);
  const out = await send(await withComment('%fine'), workers);
  assert.equal(out.pages, 1);
});

test('a worker thread past its deadline is stopped: the PDF is refused, the next one goes through', async (t) => {
  const failures: WorkerFailure[] = [];
  const workers = faultyWorkers(failures);
  t.after(() => workers.close());
  const quick: AttachmentLimits = { ...limits, processingSeconds: 0.25 };
  await assert.rejects(send(await withComment('%HANG'), workers, quick), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    message: 'Ce PDF est trop complexe pour être lu : envoyez plutôt une photo du document.',
    details: { reason: 'timeout' },
  });
  assert.deepEqual(failures, [{ task: 'pdf', cause: 'timeout' }]);
  assert.equal((await send(await makePdf({ qr: 'AB12CD34EF' }), workers)).prescriptionNumbers.length, 1);
});

test('photos: the QR scan runs in a worker thread too', async (t) => {
  const workers = createAttachmentWorkers({ threads: 1 });
  t.after(() => workers.close());
  const out = await send(await prescriptionPhoto('2X7KQ9PM4RT8'), workers);
  assert.deepEqual([out.kind, out.prescriptionNumbers], ['image', ['2X7KQ9PM4RT8']]);
});

test('a closed pool starts no thread again: it throws', async () => {
  const workers = createAttachmentWorkers({ threads: 1 });
  await workers.close();
  await assert.rejects(send(await makePdf(), workers), /worker threads are closed/);
});

test('a deadline starts when a thread starts the file, not while it waits for one', async (t) => {
  const failures: WorkerFailure[] = [];
  const workers = faultyWorkers(failures);
  t.after(() => workers.close());
  // Deadlines of 8 s: the queued file waits that long, then has as long again for itself.
  const quick: AttachmentLimits = { ...limits, processingSeconds: 2 };
  // Queued behind a file that holds the only thread for its whole deadline.
  const hung = send(await withComment('%HANG'), workers, quick, 'someone');
  const queued = send(await makePdf(), workers, quick, 'someone else');
  await assert.rejects(hung, { code: 'ATTACHMENT_PDF_TOO_COMPLEX', details: { reason: 'timeout' } });
  assert.equal((await queued).pages, 1);
  assert.deepEqual(failures, [{ task: 'pdf', cause: 'timeout' }]);
});

test('fair share: one person’s three heavy PDFs delay another’s PDF by one turn, not three', async (t) => {
  const workers = faultyWorkers([]);
  t.after(() => workers.close());
  const quick: AttachmentLimits = { ...limits, processingSeconds: 1.5 };
  const settled: string[] = [];
  const track = (name: string, p: Promise<unknown>) =>
    p.then(
      () => settled.push(`${name} ok`),
      (e: { details?: { reason?: string } }) => settled.push(`${name} ${e.details?.reason}`),
    );
  const heavy = await withComment('%HANG');
  const honest = await makePdf();
  await Promise.all([
    track('heavy 1', send(heavy, workers, quick, 'patient:heavy')),
    track('heavy 2', send(heavy, workers, quick, 'patient:heavy')),
    track('heavy 3', send(heavy, workers, quick, 'patient:heavy')),
    track('honest', send(honest, workers, quick, 'patient:honest')),
  ]);
  // Whichever heavy file reached the thread first, the honest one comes right after it.
  assert.equal(settled[1], 'honest ok', settled.join(', '));
  assert.deepEqual(settled.filter((s) => s.endsWith('timeout')).length, 3, settled.join(', '));
});

test('a thread that runs out of heap is stopped: the PDF is refused as too complex', async (t) => {
  const failures: WorkerFailure[] = [];
  const workers = faultyWorkers(failures, { limits: { ...DEFAULT_LIMITS, workerHeapMb: 64 } });
  t.after(() => workers.close());
  await assert.rejects(send(await withComment('%HEAP'), workers), {
    code: 'ATTACHMENT_PDF_TOO_COMPLEX',
    details: { reason: 'memory' },
  });
  assert.deepEqual(failures, [{ task: 'pdf', cause: 'memory' }]);
  assert.equal((await send(await makePdf(), workers)).pages, 1);
});

test('a thread that keeps too much memory after a file is replaced', async (t) => {
  const recycled: number[] = [];
  const workers = faultyWorkers([], { onRecycle: (mb) => recycled.push(mb) });
  t.after(() => workers.close());
  const [keep, next] = [await withComment('%KEEP'), await makePdf()];
  assert.equal((await workers.pdf(keep, limits)).pages, 1);
  assert.equal(recycled.length, 1);
  assert.ok((recycled[0] ?? 0) >= 300, `${recycled[0]} MiB`);
  // The next file, sent at once, waits for the old thread to be gone and runs on a fresh one.
  assert.equal((await workers.pdf(next, limits)).pages, 1);
  assert.equal(recycled.length, 1);
});
