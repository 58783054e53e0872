import type { AuditResult, AuditTrail } from '../audit/trail.ts';
import type { Logger } from '../logger.ts';
import { auditDomain } from './audit.ts';
import { SmtpRefusal, smtpError } from './replies.ts';

/**
 * The listener's book of open SMTP sessions: what is known of each peer, connections per IP
 * address, and the audit records and log lines of sessions and refusals (see audit.ts for what
 * they hold). Logs and records carry domains, fingerprints and codes, never a local part.
 */
export interface SessionState {
  address: string;
  tls: boolean;
  /** The client certificate's names (peer.ts), its SHA-256 fingerprint, the TLS protocol. */
  names: string[];
  fingerprint: string | null;
  protocol: string;
  /** The certificate chains to the trust anchors. */
  authenticated: boolean;
  /** The sending domain of the current transaction (set at MAIL FROM). */
  domain: string | null;
  accepted: string[];
  refusals: string[];
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

export class SessionBook {
  readonly #sessions = new Map<string, SessionState>();
  readonly #perPeer = new Map<string, number>();

  constructor(
    private readonly audit: AuditTrail,
    private readonly logger: Logger | undefined,
    private readonly maxRefusals: number,
  ) {}

  log(fields: Record<string, unknown>, message: string): void {
    this.logger?.info({ smtp: fields }, message);
  }

  /** A new session; returns how many sessions its IP address now has open. */
  open(sessionId: string, address: string): number {
    const count = (this.#perPeer.get(address) ?? 0) + 1;
    this.#perPeer.set(address, count);
    this.#sessions.set(sessionId, {
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
    return count;
  }

  get(sessionId: string): SessionState | undefined {
    return this.#sessions.get(sessionId);
  }

  /**
   * Logs a refusal and returns the error smtp-server answers with. Refusals of an authenticated
   * peer are audited (`smtp.refuse`); the others only end up in the session's record, so that
   * anyone able to open a connection cannot make the audit trail grow by more than one record
   * per TLS handshake. Anything but an SmtpRefusal is a fault: 451 4.3.0. Past `maxRefusals`
   * in a session, the answer is 421 4.7.0 and the connection closes: a peer cannot make the
   * listener look up (and audit) recipients without end.
   */
  async refuse(sessionId: string, error: unknown): Promise<Error> {
    const state = this.#sessions.get(sessionId);
    const tooMany = (state?.refusals.length ?? 0) >= this.maxRefusals;
    const refusal = tooMany
      ? new SmtpRefusal('TOO_MANY_REFUSALS')
      : error instanceof SmtpRefusal
        ? error
        : new SmtpRefusal('TEMPORARY_FAILURE');
    if (!(error instanceof SmtpRefusal))
      this.logger?.warn({ smtp: { session: sessionId, error: (error as Error)?.name } }, 'smtp fault');
    state?.refusals.push(refusal.code);
    this.log(
      {
        session: sessionId,
        refusal: refusal.code,
        reply: refusal.reply.code,
        peerDomain: state?.domain ?? null,
        fingerprint: state?.fingerprint ?? null,
      },
      'smtp refusal',
    );
    if (state?.authenticated) {
      const result = refusal.temporary ? 'failure' : 'denied';
      await this.#record(sessionId, state, 'smtp.refuse', result, refusal.code);
    }
    return smtpError(refusal);
  }

  /**
   * Ends a session: logged; audited (`smtp.session`) when it reached TLS — those that did not
   * (scans, probes) are logged only. Resolves once recorded; null for an unknown session.
   */
  async close(sessionId: string): Promise<SessionSummary | null> {
    const state = this.#sessions.get(sessionId);
    if (!state) return null;
    this.#sessions.delete(sessionId);
    const left = (this.#perPeer.get(state.address) ?? 1) - 1;
    if (left > 0) this.#perPeer.set(state.address, left);
    else this.#perPeer.delete(state.address);
    const summary: SessionSummary = {
      sessionId,
      tls: state.tls,
      authenticated: state.authenticated,
      peerDomain: state.domain,
      fingerprint: state.fingerprint,
      accepted: state.accepted,
      refusals: state.refusals,
    };
    const { sessionId: session, ...fields } = summary;
    this.log({ session, ...fields }, 'smtp session closed');
    if (state.tls) {
      const result = state.authenticated ? 'success' : 'denied';
      await this.#record(
        sessionId,
        state,
        'smtp.session',
        result,
        state.authenticated ? null : state.refusals.at(-1),
      );
    }
    return summary;
  }

  async #record(
    sessionId: string,
    state: SessionState,
    action: string,
    result: AuditResult,
    reason: string | null | undefined,
  ): Promise<void> {
    try {
      await this.audit.record({
        actor: { kind: 'anonymous' },
        onBehalfOf: auditDomain(state.domain),
        action,
        target: state.fingerprint,
        requestId: `smtp:${sessionId}`,
        result,
        reason: reason ?? null,
      });
    } catch (error) {
      this.logger?.warn(
        { smtp: { session: sessionId, action, error: (error as Error).name } },
        'smtp audit failed',
      );
    }
  }
}
