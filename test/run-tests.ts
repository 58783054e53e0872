import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/throwaway-postgres.ts';

/**
 * `npm test`: every test file on SQLite, then every store test file (those that call
 * openTestStore) again on PostgreSQL — a throwaway server unless TEST_DATABASE_URL is given.
 * The PostgreSQL pass is never skipped: without a server it fails and says how to get one.
 * Node 20's --test does not expand globs, so the file list is built here.
 */
const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.split(path.sep).includes('node_modules'))
    .map((f) => path.join(dir, f))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
}

const all = [...testFiles('src'), ...testFiles('test')];
const storeTests = all.filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('openTestStore('));

interface PassResult {
  passed: number;
  failed: number;
  code: number;
}

function runPass(label: string, files: string[], env: NodeJS.ProcessEnv): Promise<PassResult> {
  console.log(`\n=== ${label}: ${files.length} test files ===`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      // The runner's own summary is the last `ℹ pass N` / `ℹ fail N` of its output.
      const count = (name: string) =>
        Number([...output.matchAll(new RegExp(`^ℹ ${name} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
      resolve({ passed: count('pass'), failed: count('fail'), code: code ?? 1 });
    });
  });
}

/** The end-to-end tests drive the built web apps: build them first (Vite, a few seconds). */
function buildWebApps(): Promise<void> {
  console.log('\n=== building the web apps (npm run build) ===');
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`)),
    );
  });
}

if (all.some((f) => f.startsWith(path.join('test', 'e2e')))) await buildWebApps();

const results: PassResult[] = [];
results.push(await runPass('SQLite', all, { TEST_DATABASE_URL: '' }));

if (storeTests.length > 0) {
  let server: ThrowawayPostgres | null = null;
  try {
    let url = process.env.TEST_DATABASE_URL;
    if (!url) {
      server = await startThrowawayPostgres();
      url = server.url;
    }
    results.push(await runPass('PostgreSQL', storeTests, { TEST_DATABASE_URL: url }));
  } catch (error) {
    console.error(`\nPostgreSQL pass failed to start: ${error instanceof Error ? error.message : error}`);
    results.push({ passed: 0, failed: 1, code: 1 });
  } finally {
    server?.stop();
  }
}

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const ok = results.every((r) => r.code === 0) && failed === 0;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
