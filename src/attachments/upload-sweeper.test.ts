import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { manualTimer } from '../../test/helpers/manual-timer.ts';
import { fixedClock } from '../time/clock.ts';
import { STALE_UPLOAD_MS, startUploadSweeper, UPLOAD_SWEEP_EVERY_MS } from './upload-sweeper.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-upload-sweeper-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const upload = (dir: string, ageMs: number, now: Date) => {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `upload-${crypto.randomUUID()}.part`);
  fs.writeFileSync(file, 'x');
  const at = new Date(now.getTime() - ageMs);
  fs.utimesSync(file, at, at);
  return path.basename(file);
};

test('stale upload temp files are swept on demand and on every tick, by the injected clock, until stopped', async () => {
  const tmpDir = path.join(root, 'tmp');
  const now = new Date('2026-03-15T10:00:00.000Z');
  const { timer, runs } = manualTimer();
  upload(tmpDir, STALE_UPLOAD_MS + 60_000, now);
  const live = upload(tmpDir, 60_000, now);
  const sweeper = startUploadSweeper({ tmpDir, clock: fixedClock(now), timer });
  assert.deepEqual(
    [...runs.values()].map((r) => r.ms),
    [UPLOAD_SWEEP_EVERY_MS],
  );
  assert.equal(await sweeper.sweep(), 1);
  assert.deepEqual(fs.readdirSync(tmpDir), [live]);

  upload(tmpDir, STALE_UPLOAD_MS + 1, now);
  const [tick] = [...runs.values()];
  tick?.run();
  // The tick's sweep is the one running: waiting on it is waiting on sweep().
  assert.equal(await sweeper.sweep(), 1);
  assert.deepEqual(fs.readdirSync(tmpDir), [live]);

  await sweeper.stop();
  assert.equal(runs.size, 0, 'no more ticks once stopped');
});
