import fs from 'node:fs';
import path from 'node:path';
import { blobFile, isBlobAddress } from './blob-store.ts';

/**
 * Removes the blobs no attachment record references (`officine-mss blobs sweep`).
 *
 * Why they exist: a send's files go through the pipeline, which stores their blobs, before the
 * send is decided. The HTTP layer prechecks what needs no file (eligibility, quotas, the
 * conversation's state) before it reads the files, but a send can still be refused after its
 * blobs were written: a later file refused by the pipeline, a body field found invalid, a quota
 * or a state that changed in between, a reused Idempotency-Key.
 *
 * Why not delete them at once, in the refused request: blobs are content-addressed, so the same
 * blob may belong to a concurrent send of the same content, which found it already stored and
 * has not committed its attachment record yet; "unreferenced" is only true of blobs nobody is
 * about to reference, and only time tells. So:
 *
 * - `put` touches a blob it finds already stored: an upload in progress has written or touched
 *   each of its blobs seconds or minutes ago (processing is bounded by `processingSeconds` per
 *   file, the request by the HTTP timeouts);
 * - the sweep only considers blobs last touched before `before` (hours ago), that no attachment
 *   record references;
 * - each is first renamed aside (atomic), then its time and its references are read again:
 *   a `put` that touched it in the meantime made it recent (it is renamed back); a `put` that
 *   comes after the rename finds nothing and writes the blob anew. Only then is it deleted.
 *
 * The one cost: an upload that touched a blob in the instant it was set aside finds it missing
 * when the send checks its blobs, and is refused with ATTACHMENT_NOT_STORED ("envoyez-la de
 * nouveau"), never acknowledged without its bytes. Run one sweep at a time; concurrent sweeps
 * only ever keep more.
 */
export interface BlobSweepOptions {
  /** Folder of the blobs (`DATA_DIR/blobs`). */
  root: string;
  /** The addresses among `sha256s` that an attachment record references (blob or thumbnail). */
  referenced(sha256s: readonly string[]): Promise<ReadonlySet<string>>;
  /** Blobs written or touched at or after this instant are kept, referenced or not. */
  before: Date;
}

export interface BlobSweepReport {
  /** Blobs old enough to be considered. */
  examined: number;
  removed: number;
  removedBytes: number;
  /** Temp files of writes interrupted before `before` (a crash), removed. */
  staleTempFiles: number;
}

const BATCH = 500;
const TWO_HEX = /^[0-9a-f]{2}$/;
const ASIDE = '.sweep';

export async function sweepBlobs(options: BlobSweepOptions): Promise<BlobSweepReport> {
  const { root, before } = options;
  const report: BlobSweepReport = { examined: 0, removed: 0, removedBytes: 0, staleTempFiles: 0 };
  const old: string[] = [];
  for (const dir of await blobFolders(root)) {
    for (const name of await fs.promises.readdir(dir)) {
      const file = path.join(dir, name);
      if (name.startsWith('.') && name.endsWith(ASIDE)) {
        // Set aside by a sweep that stopped half-way: put it back, it was not decided.
        await putBack(file, path.join(dir, name.slice(1, -ASIDE.length)));
        continue;
      }
      const stat = await statOrNull(file);
      if (!stat || stat.mtimeMs >= before.getTime()) continue;
      if (isBlobAddress(name)) old.push(name);
      else if (name.startsWith('.') && name.endsWith('.tmp')) {
        await fs.promises.rm(file, { force: true });
        report.staleTempFiles += 1;
      }
    }
  }
  report.examined = old.length;
  for (let i = 0; i < old.length; i += BATCH) {
    const batch = old.slice(i, i + BATCH);
    const referenced = await options.referenced(batch);
    for (const sha256 of batch) {
      if (referenced.has(sha256)) continue;
      const removed = await removeUnlessInUse(sha256, options);
      if (removed !== null) {
        report.removed += 1;
        report.removedBytes += removed;
      }
    }
  }
  return report;
}

/** Sets the blob aside, checks again, deletes it: its size, or null when it was kept. */
async function removeUnlessInUse(sha256: string, options: BlobSweepOptions): Promise<number | null> {
  const file = blobFile(options.root, sha256);
  const aside = path.join(path.dirname(file), `.${sha256}${ASIDE}`);
  try {
    await fs.promises.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const stat = await statOrNull(aside);
  if (!stat) return null;
  if (stat.mtimeMs >= options.before.getTime() || (await options.referenced([sha256])).has(sha256)) {
    await putBack(aside, file);
    return null;
  }
  await fs.promises.rm(aside, { force: true });
  return stat.size;
}

/** Renames a blob set aside back to its address (a copy written since holds the same content). */
async function putBack(aside: string, file: string): Promise<void> {
  try {
    await fs.promises.rename(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** `<root>/ab/cd` folders. */
async function blobFolders(root: string): Promise<string[]> {
  const folders: string[] = [];
  for (const first of await subfolders(root)) {
    for (const second of await subfolders(path.join(root, first)))
      folders.push(path.join(root, first, second));
  }
  return folders;
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && TWO_HEX.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function statOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
