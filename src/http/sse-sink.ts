import type { ServerResponse } from 'node:http';
import type { SseSink } from '../notifications/stream.ts';

/**
 * An HTTP response as an event stream's sink. Ending a stream also ends its connection (after
 * what is queued): a stream that is over is not a connection worth keeping alive, and a server
 * that stops must not wait for it.
 */
export function responseSink(response: ServerResponse): SseSink {
  const socket = response.socket;
  let closed = response.destroyed || socket === null || socket.destroyed;
  response.once('close', () => {
    closed = true;
  });
  return {
    write(chunk) {
      if (closed) return false;
      return response.write(chunk);
    },
    get backedUp() {
      return !closed && response.writableNeedDrain;
    },
    drained(timeoutMs) {
      if (closed) return Promise.resolve(false);
      if (!response.writableNeedDrain) return Promise.resolve(true);
      return new Promise((resolve) => {
        const settle = (value: boolean) => {
          clearTimeout(timer);
          response.off('drain', onDrain);
          response.off('close', onClose);
          resolve(value);
        };
        const onDrain = () => settle(true);
        const onClose = () => settle(false);
        const timer = setTimeout(() => settle(false), timeoutMs);
        response.once('drain', onDrain);
        response.once('close', onClose);
      });
    },
    end() {
      if (closed) return;
      response.end(() => socket?.end());
    },
    destroy() {
      response.destroy();
    },
    onClose(listener) {
      if (closed) queueMicrotask(listener);
      else response.once('close', listener);
    },
  };
}
