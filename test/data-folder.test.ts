import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.ts';
import { uploadTmpDir } from '../src/attachments/message-uploads.ts';
import { receiveUpload } from '../src/attachments/upload.ts';
import { PSEUDONYM_KEY_FILE, readOrCreatePseudonymKey } from '../src/audit/pseudonym-key.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

/**
 * The data folder holds health data: under the usual umask (022), everything the server creates
 * in it is owner-only — folders 0700, files 0600: the SQLite file and its -wal and -shm, blobs,
 * upload temp files, key files — and a folder an older version left open is closed at start, with
 * one warning that names no person.
 */
const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** Every folder and file under `dir`, with its mode and the mode it should have. */
function modes(dir: string): Map<string, { mode: number; private: number }> {
  const found = new Map([['.', { mode: mode(dir), private: 0o700 }]]);
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = fs.statSync(path.join(dir, name));
    found.set(name, { mode: stat.mode & 0o777, private: stat.isDirectory() ? 0o700 : 0o600 });
  }
  return found;
}

function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('the data folder', () => {
  let root: string;
  let umask: number;
  before(() => {
    umask = process.umask(0o022);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-data-folder-'));
  });
  after(() => {
    process.umask(umask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('is created owner-only, and so is everything the server writes in it', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const { logger, lines } = captureLog();
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { logger });
    try {
      await app.blobs.put(Buffer.from('une ordonnance'));
      readOrCreatePseudonymKey(path.join(dataDir, PSEUDONYM_KEY_FILE));
      const upload = await receiveUpload(Readable.from([Buffer.from('photo')]), {
        tmpDir: uploadTmpDir(dataDir),
        maxBytes: 100,
      });
      const found = modes(dataDir);
      await upload.discard();
      for (const name of [
        'officine-mss.sqlite',
        'officine-mss.sqlite-wal',
        'officine-mss.sqlite-shm',
        'blob-encryption.key',
        PSEUDONYM_KEY_FILE,
        path.relative(dataDir, upload.path),
      ]) {
        assert.equal(found.get(name)?.mode, 0o600, name);
      }
      assert.ok([...found].some(([name, f]) => name.startsWith(`blobs${path.sep}`) && f.private === 0o600));
      for (const [name, f] of found) assert.equal(f.mode, f.private, name);
      assert.equal(mode(path.join(root, 'fresh')), 0o700, 'a missing parent too');
      assert.equal(lines.filter((l) => l.level === 40).length, 0, 'nothing to warn about');
    } finally {
      await app.close();
    }
  });

  it('left open by an older version, is closed at start with one warning', async () => {
    const dataDir = path.join(root, 'old');
    const first = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0' }));
    await first.blobs.put(Buffer.from('une ordonnance'));
    await first.close();
    // As an older version left it: folders 0755, the SQLite file 0644.
    fs.mkdirSync(path.join(dataDir, 'tmp'));
    for (const name of ['.', 'blobs', 'tmp']) fs.chmodSync(path.join(dataDir, name), 0o755);
    fs.chmodSync(path.join(dataDir, 'officine-mss.sqlite'), 0o644);

    const { logger, lines } = captureLog();
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { logger });
    await app.close();
    for (const [name, f] of modes(dataDir)) assert.equal(f.mode, f.private, name);
    const warnings = lines.filter((l) => l.level === 40);
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0]?.tightened, ['.', 'blobs', 'officine-mss.sqlite', 'tmp']);

    const { logger: again, lines: quiet } = captureLog();
    await (await createApp(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), { logger: again })).close();
    assert.equal(quiet.filter((l) => l.level === 40).length, 0, 'once closed, no more warning');
  });
});
