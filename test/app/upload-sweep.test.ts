import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/app.ts';
import { STALE_UPLOAD_MS } from '../../src/attachments/upload-sweeper.ts';
import { loadConfig } from '../../src/config.ts';
import { tempDir } from '../auth/test-server.ts';
import { tmpFiles } from '../helpers/data-files.ts';
import { manualTimer } from '../helpers/manual-timer.ts';

test('the app sweeps the upload temp files a crash left behind at start, and stops sweeping on close', async () => {
  const data = tempDir();
  try {
    const tmp = path.join(data.dir, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    const stale = path.join(tmp, `upload-${crypto.randomUUID()}.part`);
    const live = path.join(tmp, `upload-${crypto.randomUUID()}.part`);
    fs.writeFileSync(stale, 'left by a crash');
    fs.writeFileSync(live, 'being received');
    const old = new Date(Date.now() - STALE_UPLOAD_MS - 60_000);
    fs.utimesSync(stale, old, old);

    const { timer, runs } = manualTimer();
    const app = await createApp(loadConfig({ DATA_DIR: data.dir, LOG_LEVEL: 'silent' }), { timer });
    assert.deepEqual(tmpFiles(data.dir), [path.basename(live)]);
    assert.equal(runs.size, 1, 'then periodically');
    await app.close();
    assert.equal(runs.size, 0, 'not after close');
  } finally {
    data.remove();
  }
});
