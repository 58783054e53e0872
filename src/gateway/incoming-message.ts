import { PassThrough, type Readable } from 'node:stream';
import type { SMTPServerDataStream } from 'smtp-server';
import { SmtpRefusal } from './replies.ts';

/**
 * The message of a DATA command as the delivery port reads it: our `Received:` trace header
 * (RFC 5321 §4.4), then the bytes as they stream. Past `maxBytes` of message it fails with
 * MESSAGE_TOO_LARGE, and the rest is read and dropped so that the reply can be sent; when the
 * peer leaves mid-message it fails too. Backpressure goes back to the socket.
 */
export interface IncomingMessage {
  message: Readable;
  /** Bytes of the message received so far (the Received header not counted). */
  size(): number;
  /** Stops feeding `message` and drops whatever is left of DATA (after the port refused). */
  discard(): void;
}

export function incomingMessage(
  data: SMTPServerDataStream,
  options: { maxBytes: number; received: string },
): IncomingMessage {
  const message = new PassThrough();
  let size = 0;
  const discard = () => {
    data.off('data', onChunk);
    data.resume();
  };
  function onChunk(chunk: Buffer) {
    size += chunk.length;
    if (size > options.maxBytes) {
      discard();
      message.destroy(new SmtpRefusal('MESSAGE_TOO_LARGE', `limite ${options.maxBytes} octets`));
    } else if (!message.write(chunk)) {
      data.pause();
      message.once('drain', () => data.resume());
    }
  }
  message.write(options.received);
  data.on('data', onChunk);
  data.once('end', () => {
    if (!message.destroyed) message.end();
  });
  data.once('error', (error) => message.destroy(error));
  data.once('close', () => {
    if (!data.readableEnded && !message.destroyed) message.destroy(new Error('DATA ended before its end'));
  });
  return { message, size: () => size, discard };
}

/** What the trace header says: no address, only the peer's names and the TLS session. */
export interface ReceivedFields {
  /** The EHLO name the peer gave. */
  helo: string;
  peerAddress: string;
  /** Our host name (the greeting's). */
  name: string;
  sessionId: string;
  protocol: string;
  cipher: string;
  at: Date;
}

const TOKEN = /[^A-Za-z0-9.:_[\]-]/g;

export function receivedHeader(fields: ReceivedFields): string {
  const clean = (value: string) => value.replace(TOKEN, '').slice(0, 255) || 'unknown';
  const date = fields.at.toUTCString().replace(/GMT$/, '+0000');
  return (
    `Received: from ${clean(fields.helo)} ([${clean(fields.peerAddress)}])\r\n` +
    `\tby ${clean(fields.name)} (Officine MSS) with ESMTPS id ${clean(fields.sessionId)}\r\n` +
    `\t(version=${clean(fields.protocol)} cipher=${clean(fields.cipher)});\r\n` +
    `\t${date}\r\n`
  );
}
