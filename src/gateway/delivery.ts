import type { Readable } from 'node:stream';

/**
 * The delivery port: where the listener hands a message it has accepted the envelope of.
 * `deliver` resolves once the message is durably committed — the listener answers `250` only
 * then (design note §3.9) — or rejects with an SmtpRefusal (src/gateway/replies.ts) saying
 * temporary (4xx: the sender retries) or permanent (5xx) and why. Any other error is treated as
 * temporary (451 4.3.0): nothing is acknowledged that was not committed.
 *
 * The stream holds our `Received:` header then the message (dot-unstuffed, without the final
 * `.`), as it arrives; it fails with an
 * SmtpRefusal MESSAGE_TOO_LARGE when the message goes over the listener's size limit, and with
 * another error when the peer leaves mid-message: an implementation must not commit then.
 */
export interface DeliveryPort {
  deliver(envelope: InboundEnvelope, message: Readable): Promise<DeliveryReceipt>;
}

export interface InboundEnvelope {
  /** The SMTP session's id (smtp-server's), also the audit records' request id. */
  sessionId: string;
  /** MAIL FROM, lower-cased domain; '' for the null sender (bounces, DSNs). */
  mailFrom: string;
  /** RCPT TO, each on a hosted domain and known (checked at RCPT time). */
  rcptTo: InboundRecipient[];
  /** MAIL FROM's DSN parameters (RFC 3461): whoever sends a DSN for this message needs them. */
  dsn: { envid: string | null; ret: 'FULL' | 'HDRS' | null };
  /** The operator domain the peer was authenticated for (see peer.ts). */
  peerDomain: string;
  /** The peer's IP address. */
  peerAddress: string;
  tls: InboundTls;
}

export interface InboundRecipient {
  address: string;
  /** RCPT's NOTIFY (NEVER, or SUCCESS/FAILURE/DELAY), null when not given. */
  notify: string[] | null;
  /** RCPT's ORCPT, as received. */
  orcpt: string | null;
}

export interface InboundTls {
  /** `TLSv1.2`, `TLSv1.3`. */
  protocol: string;
  cipher: string;
  /** SHA-256 of the client certificate, colon-separated upper-case hex (as openssl prints it). */
  fingerprint: string;
  /** The client certificate's subject CN and DNS names, for the record. */
  certificateNames: string[];
}

export interface DeliveryReceipt {
  /** The id the message is stored under (shown in the `250` reply). */
  id: string;
}
