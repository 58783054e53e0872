import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `officine-mss serve` in a child process, as production runs it: for tests where several
 * processes share one PostgreSQL database. Ready once it prints its home URL; `stop()` sends
 * SIGTERM (a clean shutdown), then SIGKILL if it lingers.
 */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  base: string;
  pid: number;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const READY = /^ {2}Accueil {10}(http:\/\/127\.0\.0\.1:\d+)\/$/m;
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** `ready`, when given, must also have been printed (after the home URL) before it resolves. */
export function startServerProcess(env: Record<string, string>, ready?: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    text += chunk;
  });

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    process.kill(child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, STOP_TIMEOUT_MS);
    await exit;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`server process not ready after ${START_TIMEOUT_MS} ms:\n${text}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: string) => {
      text += chunk;
      const home = READY.exec(text);
      if (!home?.[1] || child.pid === undefined || (ready && !ready.test(text))) return;
      clearTimeout(timer);
      const pid = child.pid;
      resolve({ base: home[1], pid, output: () => text, stop });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server process exited (${signal ?? code}) before it was ready:\n${text}`));
    });
  });
}
