/**
 * The inbound listener's limits: the one place they are set (SMTP_IN_* variables override some,
 * see src/config.ts and the README).
 */
export interface SmtpInLimits {
  /** Largest message, advertised with SIZE and enforced while the message streams (552 5.3.4). */
  maxMessageBytes: number;
  /** Connections at once, all peers together (smtp-server's maxClients: 421 beyond). */
  maxConnections: number;
  /** Connections at once from one IP address (421 beyond). */
  maxConnectionsPerPeer: number;
  /** Recipients of one transaction (452 4.5.3 beyond). */
  maxRecipients: number;
  /** A connection idle this long is closed (421 4.4.2), and so is a TLS handshake that takes longer. */
  idleTimeoutMs: number;
  /** Commands a peer may send before TLS (EHLO, STARTTLS…): one more closes (421 4.7.0). */
  maxCommandsBeforeTls: number;
  /** Refusals in one session (unknown recipients…): one more closes the connection (421 4.7.0). */
  maxRefusalsPerSession: number;
  /** How long a stop waits for sessions in progress before closing them (421). */
  closeTimeoutMs: number;
  /** The whitelist document: largest accepted size, longest wait for a URL. */
  whitelistMaxBytes: number;
  whitelistTimeoutMs: number;
}

export const DEFAULT_SMTP_IN_LIMITS: SmtpInLimits = {
  maxMessageBytes: 25 * 1024 * 1024,
  maxConnections: 50,
  maxConnectionsPerPeer: 10,
  maxRecipients: 50,
  idleTimeoutMs: 60_000,
  maxCommandsBeforeTls: 5,
  maxRefusalsPerSession: 20,
  closeTimeoutMs: 10_000,
  whitelistMaxBytes: 10 * 1024 * 1024,
  whitelistTimeoutMs: 30_000,
};
