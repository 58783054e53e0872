import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makePrivateDir, tightenDataDir } from './data-dir.ts';

const mode = (file: string) => fs.lstatSync(file).mode & 0o777;
let root: string;
let umask: number;
before(() => {
  umask = process.umask(0o022);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-data-dir-'));
});
after(() => {
  process.umask(umask);
  fs.rmSync(root, { recursive: true, force: true });
});

test('folders are created owner-only under a umask of 022, parents included', () => {
  const dir = path.join(root, 'a', 'b', 'c');
  makePrivateDir(dir);
  for (const created of ['a', 'a/b', 'a/b/c']) assert.equal(mode(path.join(root, created)), 0o700, created);
});

test('an existing data folder open to others is made owner-only, with what it holds directly', () => {
  const data = path.join(root, 'old-data');
  fs.mkdirSync(path.join(data, 'blobs', 'ab'), { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(data, 'officine-mss.sqlite'), '', { mode: 0o644 });
  fs.writeFileSync(path.join(data, 'blob-encryption.key'), '', { mode: 0o600 });
  fs.writeFileSync(path.join(data, 'run.sh'), '', { mode: 0o755 });
  const outside = path.join(root, 'shared.txt');
  fs.writeFileSync(outside, '', { mode: 0o644 });
  fs.symlinkSync(outside, path.join(data, 'link'));

  assert.deepEqual(tightenDataDir(data), ['.', 'blobs', 'officine-mss.sqlite', 'run.sh']);
  assert.equal(mode(data), 0o700);
  assert.equal(mode(path.join(data, 'blobs')), 0o700);
  assert.equal(mode(path.join(data, 'officine-mss.sqlite')), 0o600);
  assert.equal(mode(path.join(data, 'blob-encryption.key')), 0o600);
  assert.equal(mode(path.join(data, 'run.sh')), 0o700, 'the owner keeps its own bits');
  assert.equal(mode(outside), 0o644, 'a link is not followed');
  assert.deepEqual(tightenDataDir(data), [], 'nothing left to change');
  assert.deepEqual(tightenDataDir(path.join(root, 'missing')), []);
});
