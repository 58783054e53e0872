import { Transform, type TransformCallback } from 'node:stream';
import { mailError } from './errors.ts';

/**
 * Passes a raw message through unchanged while holding it to two bounds that need no parsing:
 * its total size and the length of each line (line garbage: a megabyte without a line break
 * is no mail). Lines are counted in bytes, line ending excluded; a line may span chunks.
 */
export function wireGuard(limits: { messageBytes: number; lineBytes: number }): Transform {
  let total = 0;
  let line = 0;
  // The line so far ends with a CR, which is the line ending if an LF comes next.
  let lastCr = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      total += chunk.length;
      if (total > limits.messageBytes) {
        done(mailError('MAIL_TOO_LARGE', { maxBytes: limits.messageBytes }));
        return;
      }
      let from = 0;
      for (;;) {
        const lf = chunk.indexOf(0x0a, from);
        const end = lf === -1 ? chunk.length : lf;
        line += end - from;
        if (end > from) lastCr = chunk[end - 1] === 0x0d;
        if ((lastCr ? line - 1 : line) > limits.lineBytes) {
          done(mailError('MAIL_LINE_TOO_LONG', { maxBytes: limits.lineBytes }));
          return;
        }
        if (lf === -1) break;
        line = 0;
        lastCr = false;
        from = lf + 1;
      }
      done(null, chunk);
    },
  });
}
