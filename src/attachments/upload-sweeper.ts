import type { Clock } from '../time/clock.ts';
import { removeStaleUploads } from './upload.ts';

/**
 * Upload temp files (`DATA_DIR/tmp/upload-*.part`) a request could not remove — the process
 * crashed or was killed between receiving and discarding — are swept at start and then
 * periodically. A live upload's file is younger than STALE_UPLOAD_MS: it is written as it
 * streams, then processed within minutes (design note §8).
 */
export const STALE_UPLOAD_MS = 60 * 60_000;
export const UPLOAD_SWEEP_EVERY_MS = 10 * 60_000;

/** The timer the sweeper repeats on (injected: tests fire it themselves). */
export interface IntervalTimer {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemIntervalTimer: IntervalTimer = {
  // Unref'd: a sweep alone never keeps a process (a one-shot command) alive.
  setInterval: (run, ms) => setInterval(run, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface UploadSweeper {
  /** One sweep now (the one running, if any): how many files it removed. */
  sweep(): Promise<number>;
  /** No more sweeps; waits for the one running. */
  stop(): Promise<void>;
}

export function startUploadSweeper(options: {
  tmpDir: string;
  clock: Clock;
  timer?: IntervalTimer;
  onError?: (error: unknown) => void;
}): UploadSweeper {
  const { tmpDir, clock, timer = systemIntervalTimer } = options;
  let running: Promise<number> | null = null;
  const sweep = () => {
    running ??= removeStaleUploads(tmpDir, STALE_UPLOAD_MS, clock.now().getTime()).finally(() => {
      running = null;
    });
    return running;
  };
  const handle = timer.setInterval(() => {
    sweep().catch((error: unknown) => options.onError?.(error));
  }, UPLOAD_SWEEP_EVERY_MS);
  return {
    sweep,
    async stop() {
      timer.clearInterval(handle);
      await running?.catch(() => undefined);
    },
  };
}
