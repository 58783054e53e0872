import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AuditTrail } from '../audit/trail.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../time/clock.ts';
import type { SmtpInConfig } from './config.ts';
import type { DeliveryPort } from './delivery.ts';
import { incomingMessage, receivedHeader } from './incoming-message.ts';
import { authenticatedDomain, certificateNames, untrustedReason } from './peer.ts';
import type { RecipientPolicy } from './recipients.ts';
import { SmtpRefusal, smtpError } from './replies.ts';
import { SessionBook, type SessionSummary } from './sessions.ts';
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
  clock: Clock;
  logger?: Logger | undefined;
  /** Called once a session's end is audited and logged (tests wait on it). */
  onSessionClosed?: (summary: SessionSummary) => void;
}

export interface InboundListener {
  /** Loads the whitelist (a failure is logged; mail is then answered 451 until a reload works), listens. */
  start(): Promise<{ host: string; port: number }>;
  /** Reloads the whitelist now (it also reloads on its timer); a failure keeps the list in use. */
  reloadWhitelist(): Promise<WhitelistReload>;
  /**
   * Reads SMTP_IN_CRL_FILE again (also done with every whitelist reload); false, keeping the
   * CRLs in use, when it cannot be read or parsed or when there is none.
   */
  reloadCrl(): boolean;
  /** Stops listening; sessions in progress get `closeTimeoutMs`, then 421. */
  close(): Promise<void>;
}

export function createInboundListener(options: InboundListenerOptions): InboundListener {
  const { config, whitelist, recipients, delivery, audit, clock, logger } = options;
  const limits = config.limits;
  const book = new SessionBook(audit, logger, limits.maxRefusalsPerSession);
  let server: GatewaySmtpServer | null = null;
  let crlTimer: NodeJS.Timeout | null = null;
  const tlsFiles = () => ({
    key: fs.readFileSync(config.keyFile),
    cert: fs.readFileSync(config.certFile),
    ca: fs.readFileSync(config.caFile),
    ...(config.crlFile ? { crl: pemBlocks(fs.readFileSync(config.crlFile, 'utf8'), 'X509 CRL') } : {}),
  });
  const reloadCrl = (): boolean => {
    if (!config.crlFile || !server) return false;
    try {
      const files = tlsFiles();
      // Parsed apart first: smtp-server's update would leave no context at all on a bad file.
      tls.createSecureContext(files);
      server.updateSecureContext({ crl: files.crl });
      book.log({ crl: 'reloaded' }, 'smtp certificate revocation lists reloaded');
      return true;
    } catch (error) {
      logger?.warn(
        { smtp: { crl: (error as Error).name } },
        'smtp revocation lists unreadable, keeping those in use',
      );
      return false;
    }
  };

  const refuse = (session: SMTPServerSession, error: unknown) => book.refuse(session.id, error);

  const onConnect = (session: SMTPServerSession, callback: (error?: Error | null) => void) => {
    if (book.open(session.id, session.remoteAddress) > limits.maxConnectionsPerPeer) {
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
    const state = book.get(session.id);
    const secure = socket as tls.TLSSocket;
    if (!state) return callback(smtpError(new SmtpRefusal('TEMPORARY_FAILURE')));
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
    book.log(
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
    const state = book.get(session.id);
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
    const state = book.get(session.id);
    const tlsInfo = {
      protocol: state?.protocol ?? '',
      cipher: session.tlsOptions ? session.tlsOptions.name : '',
    };
    const incoming = incomingMessage(stream, {
      maxBytes: limits.maxMessageBytes,
      received: receivedHeader({
        helo: session.hostNameAppearsAs,
        peerAddress: session.remoteAddress,
        name: config.name,
        sessionId: session.id,
        ...tlsInfo,
        at: clock.now(),
      }),
    });
    const { mailFrom, rcptTo, dsn } = session.envelope;
    const ret = dsn?.ret === 'FULL' || dsn?.ret === 'HDRS' ? dsn.ret : null;
    delivery
      .deliver(
        {
          sessionId: session.id,
          mailFrom: mailFrom ? mailFrom.address : '',
          rcptTo: rcptTo.map((r) => ({
            address: r.address,
            notify: r.dsn?.notify ?? null,
            orcpt: r.dsn?.orcpt ?? null,
          })),
          dsn: { envid: dsn?.envid ?? null, ret },
          peerDomain: state?.domain ?? '',
          peerAddress: session.remoteAddress,
          tls: { ...tlsInfo, fingerprint: state?.fingerprint ?? '', certificateNames: state?.names ?? [] },
        },
        incoming.message,
      )
      .then(
        (receipt) => {
          state?.accepted.push(receipt.id);
          const size = incoming.size();
          book.log(
            { session: session.id, accepted: receipt.id, size, peerDomain: state?.domain ?? null },
            'smtp message accepted',
          );
          callback(null, `Message enregistre sous ${receipt.id}`);
        },
        async (error) => {
          incoming.discard();
          callback(await refuse(session, error));
        },
      );
  };

  const onClose = (session: SMTPServerSession) => {
    void book.close(session.id).then((summary) => {
      if (summary) options.onSessionClosed?.(summary);
    });
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
          ...tlsFiles(),
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
      if (config.crlFile) {
        crlTimer = setInterval(reloadCrl, config.whitelist.reloadMinutes * 60_000);
        crlTimer.unref();
      }
      const bound = instance.server.address() as net.AddressInfo;
      book.log({ host: bound.address, port: bound.port, tls: config.tls }, 'smtp listener started');
      return { host: bound.address, port: bound.port };
    },
    reloadWhitelist: () => whitelist.reload(),
    reloadCrl,
    async close() {
      whitelist.stop();
      if (crlTimer) clearInterval(crlTimer);
      crlTimer = null;
      const instance = server;
      server = null;
      if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
  };
}

/** Each PEM block of a kind: Node reads one CRL per entry, so a file of several is split. */
function pemBlocks(text: string, kind: string): string[] {
  const blocks = text.match(new RegExp(`-----BEGIN ${kind}-----[\\s\\S]+?-----END ${kind}-----`, 'g'));
  if (!blocks) throw new Error(`no ${kind} in the file`);
  return blocks;
}
