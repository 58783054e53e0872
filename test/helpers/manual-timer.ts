import type { IntervalTimer } from '../../src/attachments/upload-sweeper.ts';

/** An interval timer the test fires itself: `runs` holds what is scheduled, by handle. */
export function manualTimer() {
  const runs = new Map<number, { run: () => void; ms: number }>();
  let next = 0;
  const timer: IntervalTimer = {
    setInterval: (run, ms) => {
      next += 1;
      runs.set(next, { run, ms });
      return next;
    },
    clearInterval: (handle) => {
      runs.delete(handle as number);
    },
  };
  return { timer, runs };
}
