import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { blobFile, createFileBlobStore } from './blob-store.ts';
import { sweepBlobs } from './blob-sweep.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-sweep-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const KEY = Buffer.alloc(32, 9);
const bytes = (label: string) => Buffer.from(`pièce jointe ${label} ${'x'.repeat(500)}`);

/** A store whose blobs are aged at will: `age(sha, hours)` sets a blob's modification time back. */
function setup() {
  const root = tempDir();
  const blobs = createFileBlobStore({ root, key: KEY });
  const age = (sha256: string, hours: number) => {
    const then = new Date(Date.now() - hours * HOUR);
    fs.utimesSync(blobFile(root, sha256), then, then);
  };
  const files = () =>
    fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .map((f) => path.basename(f))
      .filter((f) => /^[0-9a-f]{64}$/.test(f));
  const before = () => new Date(Date.now() - 24 * HOUR);
  return { root, blobs, age, files, before };
}

test('removes the old unreferenced blobs only: referenced and recent ones stay, readable', async () => {
  const { root, blobs, age, files, before } = setup();
  const orphan = await blobs.put(bytes('orphan'));
  const kept = await blobs.put(bytes('referenced'));
  const recent = await blobs.put(bytes('recent'));
  age(orphan.sha256, 30);
  age(kept.sha256, 30);
  age(recent.sha256, 2);
  const asked: string[][] = [];
  const report = await sweepBlobs({
    root,
    before: before(),
    referenced: async (shas) => {
      asked.push([...shas]);
      return new Set(shas.filter((s) => s === kept.sha256));
    },
  });
  assert.deepEqual(report, { examined: 2, removed: 1, removedBytes: report.removedBytes, staleTempFiles: 0 });
  assert.ok(report.removedBytes > bytes('orphan').length, 'the encrypted size');
  assert.deepEqual(files().sort(), [kept.sha256, recent.sha256].sort());
  assert.deepEqual(await blobs.get(kept.sha256), bytes('referenced'));
  assert.deepEqual(await blobs.get(recent.sha256), bytes('recent'));
  assert.ok(!asked.flat().includes(recent.sha256), 'recent blobs are not even looked up');
});

test('putting a blob that is already stored touches it: the sweep keeps it for the upload in progress', async () => {
  const { root, blobs, age, before } = setup();
  const ref = await blobs.put(bytes('dedup'));
  age(ref.sha256, 30);
  await blobs.put(bytes('dedup'));
  const report = await sweepBlobs({ root, before: before(), referenced: async () => new Set() });
  assert.equal(report.removed, 0);
  assert.deepEqual(await blobs.get(ref.sha256), bytes('dedup'));
});

test('an upload that touches a blob while the sweep looks it up keeps it', async () => {
  const { root, blobs, age, before } = setup();
  const ref = await blobs.put(bytes('race'));
  age(ref.sha256, 30);
  // The upload comes between the listing and the set-aside: the check after it sees it recent.
  const report = await sweepBlobs({
    root,
    before: before(),
    referenced: async (shas) => {
      if (shas.length > 0) await blobs.put(bytes('race'));
      return new Set();
    },
  });
  assert.equal(report.removed, 0);
  assert.deepEqual(await blobs.get(ref.sha256), bytes('race'));
});

test('an upload that comes while the blob is set aside writes it anew; the sweep removes only its old copy', async () => {
  const { root, blobs, age, before } = setup();
  const ref = await blobs.put(bytes('aside'));
  age(ref.sha256, 30);
  let calls = 0;
  const report = await sweepBlobs({
    root,
    before: before(),
    referenced: async () => {
      calls += 1;
      // Second look-up: the blob is set aside; the upload finds nothing and writes it (its
      // attachment record is not committed yet, so nothing references it still).
      if (calls === 2) {
        assert.equal(await blobs.has(ref.sha256), false);
        await blobs.put(bytes('aside'));
      }
      return new Set();
    },
  });
  assert.equal(report.removed, 1);
  assert.deepEqual(await blobs.get(ref.sha256), bytes('aside'));
  assert.deepEqual(fs.readdirSync(path.dirname(blobFile(root, ref.sha256))), [ref.sha256]);
});

test('puts back what an interrupted sweep set aside; removes temp files of interrupted writes', async () => {
  const { root, blobs, age, before } = setup();
  const ref = await blobs.put(bytes('interrupted'));
  age(ref.sha256, 30);
  const file = blobFile(root, ref.sha256);
  fs.renameSync(file, path.join(path.dirname(file), `.${ref.sha256}.sweep`));
  const stale = path.join(path.dirname(file), `.${ref.sha256}.0123456789ab.tmp`);
  const fresh = path.join(path.dirname(file), `.${ref.sha256}.ba9876543210.tmp`);
  fs.writeFileSync(stale, 'x');
  fs.writeFileSync(fresh, 'x');
  const then = new Date(Date.now() - 30 * HOUR);
  fs.utimesSync(stale, then, then);
  const report = await sweepBlobs({ root, before: before(), referenced: async (s) => new Set(s) });
  assert.equal(report.staleTempFiles, 1);
  assert.equal(report.removed, 0);
  assert.deepEqual(await blobs.get(ref.sha256), bytes('interrupted'));
  assert.ok(fs.existsSync(fresh), 'a write in progress keeps its temp file');
  assert.ok(!fs.existsSync(stale));
});

test('an empty or missing blob folder sweeps to nothing', async () => {
  const report = await sweepBlobs({
    root: path.join(tempDir(), 'blobs'),
    before: new Date(),
    referenced: async () => new Set(),
  });
  assert.deepEqual(report, { examined: 0, removed: 0, removedBytes: 0, staleTempFiles: 0 });
});
