import type { IncomingMessage } from 'node:http';

/**
 * A request body must keep arriving (design note §3.8): at least `minBytesPerSecond` on average,
 * with at most `stallMs` of delay on that pace — a slow start, or a pause of the network. A body
 * that falls further behind has its connection closed: a client announcing 100 KB and sending a
 * byte every 20 s no longer holds a connection for ever, while a 10 MB photo from a phone on a
 * slow network still passes (it only has to beat the minimum rate).
 *
 * Only the time the server spends reading counts: while the request is paused by its reader (a
 * file of the upload being processed before the next one is read) the client cannot send, and
 * its clock stops. Requests without a body, event streams included, are never concerned: the
 * rule ends once the body is complete.
 */
export interface BodyRate {
  /** The delay allowed on the minimum pace, in milliseconds. */
  stallMs: number;
  minBytesPerSecond: number;
}

/**
 * The credit left (milliseconds ahead of the minimum pace, at most `stallMs`) after `elapsedMs`
 * during which `bytes` arrived; while the server was not reading, the credit does not move.
 */
export function nextCredit(
  credit: number,
  step: { elapsedMs: number; bytes: number; reading: boolean },
  rate: BodyRate,
): number {
  if (!step.reading) return credit;
  const earned = (step.bytes * 1000) / rate.minBytesPerSecond;
  return Math.min(rate.stallMs, credit - step.elapsedMs + earned);
}

/** Watches the body of `request` until it is complete; `onCut` runs before its connection is closed. */
export function guardBodyRate(request: IncomingMessage, rate: BodyRate, onCut: () => void): void {
  if (request.complete) return;
  const socket = request.socket;
  let credit = rate.stallMs;
  let bytes = socket.bytesRead;
  let last = performance.now();
  const timer = setInterval(
    () => {
      if (request.complete || socket.destroyed) return stop();
      const now = performance.now();
      const read = socket.bytesRead;
      credit = nextCredit(
        credit,
        { elapsedMs: now - last, bytes: read - bytes, reading: request.readableFlowing === true },
        rate,
      );
      last = now;
      bytes = read;
      if (credit > 0) return;
      stop();
      onCut();
      socket.destroy();
    },
    Math.max(50, Math.min(1000, rate.stallMs / 4)),
  );
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    request.off('end', stop);
  };
  request.once('end', stop);
}
