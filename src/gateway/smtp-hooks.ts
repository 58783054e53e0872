import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTP_REFUSALS } from './replies.ts';

/**
 * smtp-server with two things it has no option for, added to each connection it creates:
 *
 * 1. **Our enhanced status codes.** smtp-server derives the enhanced code of a handler's refusal
 *    from the reply code alone (550 → 5.1.1, 554 → 5.6.0…), so `550 5.7.1 relaying denied`
 *    cannot be said. Our refusals' texts start with their enhanced code (replies.ts); a reply
 *    whose text starts with one is sent as is, without a second code.
 * 2. **A limit on commands before TLS.** Its own limit counts commands before AUTH, which an MX
 *    does not offer. A peer gets `maxCommandsBeforeTls` commands in clear text (EHLO, STARTTLS,
 *    NOOP…); one more closes the connection with 421 4.7.0.
 *
 * Both wrap members of smtp-server's SMTPConnection (`send`, `_onCommand`, `secure`) that its
 * type declarations publish but its documentation does not; listener.test.ts pins the replies,
 * so an upgrade that changes them fails the tests rather than the peers.
 */
const ENHANCED_PREFIX = /^[245]\.\d{1,3}\.\d{1,3} /;

export class GatewaySmtpServer extends SMTPServer {
  readonly #maxCommandsBeforeTls: number;

  constructor(options: SMTPServerOptions, limits: { maxCommandsBeforeTls: number }) {
    super(options);
    this.#maxCommandsBeforeTls = limits.maxCommandsBeforeTls;
  }

  override connect(
    socket: net.Socket | tls.TLSSocket,
    socketOptions?: Parameters<SMTPServer['connect']>[1],
  ): void {
    super.connect(socket, socketOptions);
    let connection: (typeof this.connections extends Set<infer C> ? C : never) | undefined;
    for (const candidate of this.connections) connection = candidate; // the newest is the last one
    if (!connection) return;
    const conn = connection;

    const send = conn.send.bind(conn);
    conn.send = (code, data, context) =>
      send(code, data, typeof data === 'string' && ENHANCED_PREFIX.test(data) ? false : context);

    const onCommand = conn._onCommand.bind(conn);
    let commandsBeforeTls = 0;
    conn._onCommand = (command, callback) => {
      if (!conn.secure && ++commandsBeforeTls > this.#maxCommandsBeforeTls) {
        const { code, enhanced, text } = SMTP_REFUSALS.TOO_MANY_COMMANDS_BEFORE_TLS;
        conn.send(code, `${enhanced} ${text}`); // 421 closes the connection
        return;
      }
      onCommand(command, callback);
    };
  }
}
