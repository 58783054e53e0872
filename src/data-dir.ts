import fs from 'node:fs';
import path from 'node:path';

/**
 * DATA_DIR holds health data — the SQLite store and its -wal and -shm, attachment blobs, upload
 * temp files, key files — so it is owner-only whatever the umask: folders 0700, files 0600.
 * Whatever creates something there creates it so; at start, a data folder found open to other
 * users (made by an older version, or by hand) is taken back to owner-only, with the entries
 * directly in it (a 0700 folder closes everything below it).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** mkdir -p, every folder it creates owner-only. */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Takes group and other access away from `file` when it has some (a symbolic link is left alone,
 * as is a missing file); true when it changed the mode.
 */
export function makePrivate(file: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (stat.isSymbolicLink() || (stat.mode & 0o077) === 0) return false;
  fs.chmodSync(file, stat.mode & 0o700);
  return true;
}

/**
 * Makes an existing data folder and the entries directly in it owner-only; the names it changed
 * (`.` for the folder itself), for one warning at start. A missing folder is left to be created.
 */
export function tightenDataDir(dataDir: string): string[] {
  if (!fs.existsSync(dataDir)) return [];
  const changed = makePrivate(dataDir) ? ['.'] : [];
  for (const name of fs.readdirSync(dataDir).sort()) {
    if (makePrivate(path.join(dataDir, name))) changed.push(name);
  }
  return changed;
}
