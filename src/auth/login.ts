import type { RefusalRecorder } from '../audit/refusals.ts';
import type { AuditActor, AuditTrail } from '../audit/trail.ts';
import type { AuthConfig, Population } from '../config.ts';
import type { Store } from '../db/connect.ts';
import type { DirectoryStore } from '../directory/store.ts';
import {
  acrSatisfies,
  type Claims,
  claimedAccount,
  patientFromClaims,
  professionalFromClaims,
} from './claims.ts';
import { auditActorOf, type SessionIdentity } from './identity.ts';
import type { LoginStateStore } from './login-states.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { CallbackError, type RelyingParty } from './oidc.ts';
import { randomSecret } from './secrets.ts';
import type { Session, SessionStore } from './sessions.ts';

/**
 * The login use cases: start an OpenID Connect login, finish it into a session, log out, and the
 * audit records of each (patients appear only as their keyed pseudonym). Failures are throttled
 * per client address, and per account from that address (login-throttle.ts); starts and
 * successes are not counted.
 */
export type LoginFailureReason =
  | 'INVALID_CALLBACK'
  | 'INVALID_ID_TOKEN'
  | 'INVALID_CLAIMS'
  | 'ACR_TOO_LOW'
  | 'IDENTITY_NOT_QUALIFIED'
  | 'NOT_A_MEMBER'
  | 'IDP_UNAVAILABLE'
  | 'LOGIN_CANCELLED';

export interface RequestContext {
  ip: string;
  requestId: string;
}

export type StartResult =
  | { kind: 'redirect'; url: URL; browserId: string }
  | { kind: 'failure'; reason: LoginFailureReason }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

export type CompleteResult =
  | { kind: 'success'; sessionId: string; session: Session }
  | { kind: 'failure'; reason: LoginFailureReason }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

export interface LoginService {
  /**
   * `browserId` is the pre-login cookie this browser already holds, if any: logins started in
   * two tabs then both come back to the same browser.
   */
  start(population: Population, context: RequestContext, browserId?: string): Promise<StartResult>;
  /** `callbackUrl` is the full URL the identity provider sent the browser back to. */
  complete(
    population: Population,
    callbackUrl: URL,
    browserId: string | undefined,
    context: RequestContext,
  ): Promise<CompleteResult>;
  logout(sessionId: string, context: RequestContext): Promise<boolean>;
  /** Audits a session found expired (the session store already deleted it). */
  expired(identity: SessionIdentity, reason: 'idle' | 'absolute', context: RequestContext): Promise<void>;
  /** Audits a refused request (`CSRF_REJECTED`, `RATE_LIMITED`…) against `target` (a route). */
  refused(
    actor: SessionIdentity | null,
    reason: string,
    target: string,
    context: RequestContext,
  ): Promise<void>;
}

export interface LoginDeps {
  store: Store;
  audit: AuditTrail;
  /** `auth.refused` records: an unauthenticated caller's are summed per client and window. */
  refusals: RefusalRecorder;
  directory: DirectoryStore;
  sessions: SessionStore;
  loginStates: LoginStateStore;
  throttle: LoginThrottle;
  relyingParty: () => Promise<RelyingParty>;
  config: Pick<AuthConfig, 'minAcr'>;
  /** Logs a non-personal line (reason codes, library error codes). */
  log: (fields: Record<string, unknown>, message: string) => void;
}

const TARGET: Record<Population, string> = { patient: 'patient', professional: 'professional' };

/** Failures the caller caused: an unreachable provider or a cancelled login throttles nobody. */
const COUNTED_FAILURES: ReadonlySet<LoginFailureReason> = new Set([
  'INVALID_CALLBACK',
  'INVALID_ID_TOKEN',
  'INVALID_CLAIMS',
  'ACR_TOO_LOW',
  'IDENTITY_NOT_QUALIFIED',
  'NOT_A_MEMBER',
]);

export function createLoginService(deps: LoginDeps): LoginService {
  const { audit, sessions, loginStates, throttle, directory, config } = deps;
  const pseudonym = (matricule: string) => audit.patientPseudonym(matricule);
  const actorOf = (identity: SessionIdentity | null): AuditActor =>
    identity ? auditActorOf(identity, pseudonym) : { kind: 'anonymous' };

  async function refuseRateLimited(
    actor: AuditActor,
    target: string,
    retryAfterSeconds: number,
    context: RequestContext,
  ): Promise<CompleteResult & StartResult> {
    await deps.refusals.record(
      {
        actor,
        action: 'auth.refused',
        target,
        requestId: context.requestId,
        result: 'denied',
        reason: 'RATE_LIMITED',
      },
      context.ip,
    );
    return { kind: 'rate-limited', retryAfterSeconds };
  }

  /** The actor a failed login can be attributed to, when the claims name one validly. */
  function failedActor(population: Population, claims: Claims | null): AuditActor {
    if (!claims) return { kind: 'anonymous' };
    if (population === 'patient') {
      const patient = patientFromClaims({ ...claims, ins_status: 'QUAL' });
      return patient.ok
        ? { kind: 'patient', pseudonym: pseudonym(patient.value.matricule) }
        : { kind: 'anonymous' };
    }
    const pro = professionalFromClaims(claims);
    return pro.ok ? { kind: 'professional', rpps: pro.value.rpps } : { kind: 'anonymous' };
  }

  async function fail(
    population: Population,
    reason: LoginFailureReason,
    claims: Claims | null,
    context: RequestContext,
  ): Promise<{ kind: 'failure'; reason: LoginFailureReason }> {
    deps.log({ reason, population }, 'login refused');
    if (COUNTED_FAILURES.has(reason)) {
      const account = claims ? claimedAccount(claims) : null;
      await throttle.failed(context.ip, account ? { population, id: account } : undefined);
    }
    await audit.record({
      actor: failedActor(population, claims),
      action: 'auth.login',
      target: TARGET[population],
      requestId: context.requestId,
      result: 'failure',
      reason,
    });
    return { kind: 'failure', reason };
  }

  async function identityFrom(
    population: Population,
    claims: Claims,
  ): Promise<{ ok: true; identity: SessionIdentity } | { ok: false; reason: LoginFailureReason }> {
    if (population === 'patient') {
      const patient = patientFromClaims(claims);
      if (!patient.ok) return patient;
      return { ok: true, identity: { population: 'patient', ...patient.value } };
    }
    const pro = professionalFromClaims(claims);
    if (!pro.ok) return pro;
    if ((await directory.memberships(pro.value.rpps)).length === 0)
      return { ok: false, reason: 'NOT_A_MEMBER' };
    return { ok: true, identity: { population: 'professional', ...pro.value } };
  }

  return {
    async start(population, context, existingBrowserId) {
      const ip = await throttle.check(context.ip);
      if (!ip.allowed) {
        return refuseRateLimited({ kind: 'anonymous' }, TARGET[population], ip.retryAfterSeconds, context);
      }
      let started: Awaited<ReturnType<RelyingParty['startAuthorization']>>;
      try {
        started = await (await deps.relyingParty()).startAuthorization(population);
      } catch (error) {
        if (!(error instanceof CallbackError)) throw error;
        deps.log({ detail: error.detail }, 'identity provider unavailable');
        return fail(population, 'IDP_UNAVAILABLE', null, context);
      }
      const { url, request } = started;
      const browserId =
        existingBrowserId && /^[A-Za-z0-9_-]{43}$/.test(existingBrowserId)
          ? existingBrowserId
          : randomSecret(32);
      await loginStates.save(request.state, browserId, {
        population,
        nonce: request.nonce,
        codeVerifier: request.codeVerifier,
      });
      return { kind: 'redirect', url, browserId };
    },

    async complete(population, callbackUrl, browserId, context) {
      const ip = await throttle.check(context.ip);
      if (!ip.allowed) {
        return refuseRateLimited({ kind: 'anonymous' }, TARGET[population], ip.retryAfterSeconds, context);
      }
      const state = callbackUrl.searchParams.get('state');
      if (!state) return fail(population, 'INVALID_CALLBACK', null, context);
      const pending = await loginStates.consume(state, browserId, population);
      if (pending.status !== 'ok') {
        deps.log({ state: pending.status }, 'login callback without a usable state');
        return fail(population, 'INVALID_CALLBACK', null, context);
      }

      let result: Awaited<ReturnType<RelyingParty['finishAuthorization']>>;
      try {
        const rp = await deps.relyingParty();
        result = await rp.finishAuthorization(population, callbackUrl, {
          state,
          nonce: pending.login.nonce,
          codeVerifier: pending.login.codeVerifier,
        });
      } catch (error) {
        if (!(error instanceof CallbackError)) throw error;
        deps.log({ detail: error.detail }, 'identity provider answer refused');
        return fail(population, error.reason, null, context);
      }

      const account = claimedAccount(result.claims);
      if (account) {
        const allowed = await throttle.check(context.ip, { population, id: account });
        if (!allowed.allowed) {
          return refuseRateLimited(
            failedActor(population, result.claims),
            TARGET[population],
            allowed.retryAfterSeconds,
            context,
          );
        }
      }
      if (!acrSatisfies(result.acr, config.minAcr[population])) {
        return fail(population, 'ACR_TOO_LOW', result.claims, context);
      }
      const mapped = await identityFrom(population, result.claims);
      if (!mapped.ok) return fail(population, mapped.reason, result.claims, context);

      // The session and its audit record commit together (design note §3.2).
      const created = await deps.store.db.transaction().execute(async (trx) => {
        const made = await sessions.create(mapped.identity, trx);
        await audit.record(
          {
            actor: actorOf(mapped.identity),
            action: 'auth.login',
            target: TARGET[population],
            requestId: context.requestId,
            result: 'success',
          },
          trx,
        );
        return made;
      });
      return { kind: 'success', sessionId: created.id, session: created.session };
    },

    async logout(sessionId, context) {
      const identity = await sessions.destroy(sessionId);
      if (!identity) return false;
      await audit.record({
        actor: actorOf(identity),
        action: 'auth.logout',
        target: TARGET[identity.population],
        requestId: context.requestId,
        result: 'success',
      });
      return true;
    },

    async expired(identity, reason, context) {
      await audit.record({
        actor: actorOf(identity),
        action: 'auth.session-expired',
        target: TARGET[identity.population],
        requestId: context.requestId,
        result: 'denied',
        reason: reason === 'idle' ? 'IDLE_TIMEOUT' : 'ABSOLUTE_TIMEOUT',
      });
    },

    async refused(identity, reason, target, context) {
      await deps.refusals.record(
        {
          actor: actorOf(identity),
          action: 'auth.refused',
          target,
          requestId: context.requestId,
          result: 'denied',
          reason,
        },
        context.ip,
      );
    },
  };
}
