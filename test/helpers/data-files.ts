import fs from 'node:fs';
import path from 'node:path';

/** What a server left under its DATA_DIR, for tests that check nothing more was kept. */

/** The blob files under DATA_DIR/blobs (their temp files and folders aside), sorted. */
export function blobFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'blobs');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /^[0-9a-f]{64}$/.test(path.basename(f)))
    .sort();
}

/** The upload temp files under DATA_DIR/tmp. */
export function tmpFiles(dataDir: string): string[] {
  const tmp = path.join(dataDir, 'tmp');
  return fs.existsSync(tmp) ? fs.readdirSync(tmp) : [];
}
