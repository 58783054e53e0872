import fs from 'node:fs';
import type net from 'node:net';
import { PassThrough } from 'node:stream';
import type tls from 'node:tls';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AuditResult, AuditTrail } from '../audit/trail.ts';
import type { Logger } from '../logger.ts';
import { auditDomain } from './audit.ts';
import type { SmtpInConfig } from './config.ts';
import type { DeliveryPort } from './delivery.ts';
import { authenticatedDomain, certificateNames, untrustedReason } from './peer.ts';
import type { RecipientPolicy } from './recipients.ts';
import { SmtpRefusal, smtpError } from './replies.ts';
import { GatewaySmtpServer } from './smtp-hooks.ts';
import type { Whitelist, WhitelistReload } from './whitelist.ts';

/**
 * The operator SMTP listener (MX): smtp-server over mutual TLS (design note §3.9).
 *
 * - TLS ≥ 1.2, STARTTLS (or implicit TLS) before MAIL FROM; the peer presents a client
 *   certificate chaining to the configured trust anchors, checked right after the handshake.
 * - At MAIL FROM, the sending domain must be whitelisted and covered by the certificate
 *   (peer.ts); at RCPT TO, the address must be hosted here and known (recipients.ts).
 * - DATA streams to the delivery port under the size limit; `250` only once it has committed,
 *   451 4.3.0 on a temporary fault, the port's refusal otherwise.
 * - Every refusal has an enhanced status code and says why (replies.ts); refusals, accepted
 *   messages and TLS sessions are audited (audit.ts) and logged, without personal data.
 */
export interface InboundListenerOptions {
  config: SmtpInConfig;
  whitelist: Whitelist;
  recipients: RecipientPolicy;
  delivery: DeliveryPort;
  audit: AuditTrail;
  logger?: Logger | undefined;
  /** Called once a session's end is audited and logged (tests wait on it). */
  onSessionClosed?: (summary: SessionSummary) => void;
}

export interface InboundListener {
  /** Loads the whitelist (a failure is logged; mail is then answered 451 until a reload works), listens. */
  start(): Promise<{ host: string; port: number }>;
  /** Reloads the whitelist now (it also reloads on its timer); a failure keeps the list in use. */
  reloadWhitelist(): Promise<WhitelistReload>;
  /** Stops listening; sessions in progress get `closeTimeoutMs`, then 421. */
  close(): Promise<void>;
}

export interface SessionSummary {
  sessionId: string;
  tls: boolean;
  authenticated: boolean;
  peerDomain: string | null;
  fingerprint: string | null;
  /** Ids of the messages accepted (spooled). */
  accepted: string[];
  /** Refusal codes, in order. */
  refusals: string[];
}

interface SessionState {
  address: string;
  tls: boolean;
  names: string[];
  fingerprint: string | null;
  protocol: string;
  authenticated: boolean;
  domain: string | null;
  accepted: string[];
  refusals: string[];
}

export function createInboundListener(options: InboundListenerOptions): InboundListener {
  const { config, whitelist, recipients, delivery, audit, logger } = options;
  const limits = config.limits;
  const sessions = new Map<string, SessionState>();
  const perPeer = new Map<string, number>();
  let server: GatewaySmtpServer | null = null;

  const log = (fields: Record<string, unknown>, message: string) => logger?.info({ smtp: fields }, message);
  const record = async (
    sessionId: string,
    state: SessionState | undefined,
    entry: { action: string; result: AuditResult; reason?: string | undefined },
  ) => {
    try {
      await audit.record({
        actor: { kind: 'anonymous' },
        onBehalfOf: auditDomain(state?.domain ?? null),
        action: entry.action,
        target: state?.fingerprint ?? null,
        requestId: `smtp:${sessionId}`,
        result: entry.result,
        reason: entry.reason ?? null,
      });
    } catch (error) {
      logger?.warn(
        { smtp: { session: sessionId, action: entry.action, error: (error as Error).name } },
        'smtp audit failed',
      );
    }
  };
  /**
   * Logs a refusal and gives smtp-server the error to answer with. Refusals of an authenticated
   * peer are audited (`smtp.refuse`); the others only end up in the session's record, so that
   * anyone able to open a connection cannot make the audit trail grow by more than one record
   * per TLS handshake.
   */
  const refuse = async (session: SMTPServerSession, error: unknown) => {
    const refusal = error instanceof SmtpRefusal ? error : new SmtpRefusal('TEMPORARY_FAILURE');
    if (!(error instanceof SmtpRefusal))
      logger?.warn({ smtp: { session: session.id, error: (error as Error)?.name } }, 'smtp fault');
    const state = sessions.get(session.id);
    state?.refusals.push(refusal.code);
    log(
      {
        session: session.id,
        refusal: refusal.code,
        reply: refusal.reply.code,
        peerDomain: state?.domain ?? null,
        fingerprint: state?.fingerprint ?? null,
      },
      'smtp refusal',
    );
    if (state?.authenticated) {
      const result = refusal.temporary ? 'failure' : 'denied';
      await record(session.id, state, { action: 'smtp.refuse', result, reason: refusal.code });
    }
    return smtpError(refusal);
  };

  const onConnect = (session: SMTPServerSession, callback: (error?: Error | null) => void) => {
    const address = session.remoteAddress;
    const count = (perPeer.get(address) ?? 0) + 1;
    perPeer.set(address, count);
    sessions.set(session.id, {
      address,
      tls: false,
      names: [],
      fingerprint: null,
      protocol: '',
      authenticated: false,
      domain: null,
      accepted: [],
      refusals: [],
    });
    if (count > limits.maxConnectionsPerPeer) {
      void refuse(session, new SmtpRefusal('TOO_MANY_CONNECTIONS_FROM_PEER')).then(callback);
      return;
    }
    callback();
  };

  const onSecure = (
    socket: net.Socket | tls.TLSSocket,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ) => {
    const state = sessions.get(session.id);
    const secure = socket as tls.TLSSocket;
    if (!state) return callback(new Error('4.3.0 Session inconnue'));
    state.tls = true;
    state.protocol = secure.getProtocol() ?? '';
    const cert = secure.getPeerCertificate();
    if (!cert?.raw) {
      void refuse(session, new SmtpRefusal('CLIENT_CERTIFICATE_REQUIRED')).then(callback);
      return;
    }
    state.fingerprint = cert.fingerprint256;
    state.names = certificateNames(cert);
    if (!secure.authorized) {
      const reason = untrustedReason(secure.authorizationError as unknown as string);
      void refuse(session, new SmtpRefusal('CLIENT_CERTIFICATE_UNTRUSTED', reason)).then(callback);
      return;
    }
    state.authenticated = true;
    log(
      { session: session.id, fingerprint: state.fingerprint, protocol: state.protocol },
      'smtp peer authenticated',
    );
    callback();
  };

  const onMailFrom = (
    address: { address: string },
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ) => {
    const state = sessions.get(session.id);
    const decide = () => {
      if (!session.secure || !state?.authenticated) throw new SmtpRefusal('STARTTLS_REQUIRED');
      if (whitelist.loadedAt() === null) throw new SmtpRefusal('WHITELIST_UNAVAILABLE');
      state.domain = authenticatedDomain(state.names, address.address, whitelist);
    };
    try {
      decide();
      callback();
    } catch (error) {
      void refuse(session, error).then(callback);
    }
  };

  const onRcptTo = (
    address: { address: string },
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ) => {
    recipients.check(address.address).then(
      () => callback(),
      (error) => void refuse(session, error).then(callback),
    );
  };

  const onData = (
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null, message?: string) => void,
  ) => {
    const state = sessions.get(session.id);
    const message = new PassThrough();
    let size = 0;
    const onChunk = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxMessageBytes) {
        stream.off('data', onChunk);
        message.destroy(new SmtpRefusal('MESSAGE_TOO_LARGE', `limite ${limits.maxMessageBytes} octets`));
        stream.resume(); // read the rest, unstored, so that the reply can be sent
      } else if (!message.write(chunk)) {
        stream.pause();
        message.once('drain', () => stream.resume());
      }
    };
    stream.on('data', onChunk);
    stream.once('end', () => {
      if (!message.destroyed) message.end();
    });
    stream.once('error', (error) => message.destroy(error));
    const envelope = session.envelope;
    const tlsSocketInfo = session.tlsOptions;
    delivery
      .deliver(
        {
          sessionId: session.id,
          mailFrom: envelope.mailFrom ? envelope.mailFrom.address : '',
          rcptTo: envelope.rcptTo.map((r) => r.address),
          peerDomain: state?.domain ?? '',
          peerAddress: session.remoteAddress,
          tls: {
            protocol: state?.protocol ?? '',
            cipher: tlsSocketInfo ? tlsSocketInfo.name : '',
            fingerprint: state?.fingerprint ?? '',
            certificateNames: state?.names ?? [],
          },
        },
        message,
      )
      .then(
        (receipt) => {
          state?.accepted.push(receipt.id);
          log(
            { session: session.id, accepted: receipt.id, size, peerDomain: state?.domain ?? null },
            'smtp message accepted',
          );
          callback(null, `Message enregistre sous ${receipt.id}`);
        },
        async (error) => {
          stream.off('data', onChunk);
          stream.resume();
          callback(await refuse(session, error));
        },
      );
  };

  const onClose = (session: SMTPServerSession) => {
    const state = sessions.get(session.id);
    if (!state) return;
    sessions.delete(session.id);
    const left = (perPeer.get(state.address) ?? 1) - 1;
    if (left > 0) perPeer.set(state.address, left);
    else perPeer.delete(state.address);
    const summary: SessionSummary = {
      sessionId: session.id,
      tls: state.tls,
      authenticated: state.authenticated,
      peerDomain: state.domain,
      fingerprint: state.fingerprint,
      accepted: state.accepted,
      refusals: state.refusals,
    };
    log({ session: session.id, ...summary, sessionId: undefined }, 'smtp session closed');
    // Sessions that never reached TLS (scans, probes) are logged only.
    const audited = state.tls
      ? record(session.id, state, {
          action: 'smtp.session',
          result: state.authenticated ? 'success' : 'denied',
          reason: state.authenticated ? undefined : state.refusals.at(-1),
        })
      : Promise.resolve();
    void audited.then(() => options.onSessionClosed?.(summary));
  };

  return {
    async start() {
      const first = await whitelist.start();
      if (!first.ok)
        logger?.warn({ smtp: { whitelist: first.reason } }, 'smtp listener starts without a whitelist');
      const instance = new GatewaySmtpServer(
        {
          secure: config.tls === 'implicit',
          name: config.name,
          banner: 'Officine MSS',
          key: fs.readFileSync(config.keyFile),
          cert: fs.readFileSync(config.certFile),
          ca: fs.readFileSync(config.caFile),
          requestCert: true,
          // Judged in onSecure, so that the peer is told why (smtp-server would just hang up).
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
          size: limits.maxMessageBytes,
          disabledCommands: ['AUTH'],
          hideENHANCEDSTATUSCODES: false,
          hideDSN: false,
          disableReverseLookup: true,
          maxClients: limits.maxConnections,
          maxRecipients: limits.maxRecipients,
          socketTimeout: limits.idleTimeoutMs,
          closeTimeout: limits.closeTimeoutMs,
          logger: false,
          onConnect,
          onSecure,
          onMailFrom,
          onRcptTo,
          onData,
          onClose,
        },
        { maxCommandsBeforeTls: limits.maxCommandsBeforeTls },
      );
      // Handshake failures, resets and the like: logged, never fatal.
      instance.on('error', (error: NodeJS.ErrnoException) =>
        logger?.info({ smtp: { error: error.code ?? error.name } }, 'smtp connection error'),
      );
      server = instance;
      await new Promise<void>((resolve, reject) => {
        instance.server.once('error', reject);
        instance.listen(config.port, config.host, () => {
          instance.server.off('error', reject);
          resolve();
        });
      });
      const bound = instance.server.address() as net.AddressInfo;
      log({ host: bound.address, port: bound.port, tls: config.tls }, 'smtp listener started');
      return { host: bound.address, port: bound.port };
    },
    reloadWhitelist: () => whitelist.reload(),
    async close() {
      whitelist.stop();
      const instance = server;
      server = null;
      if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
  };
}
