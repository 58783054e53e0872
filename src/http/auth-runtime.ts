import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app.ts';
import { createRefusalRecorder, type RefusalRecorder } from '../audit/refusals.ts';
import { bundledIdpExposure } from '../auth/bundled-idp/exposure.ts';
import { type BundledIdp, createBundledIdp, IDP_SCOPES } from '../auth/bundled-idp/provider.ts';
import { createLoginService, type LoginService } from '../auth/login.ts';
import { createLoginStateStore } from '../auth/login-states.ts';
import { createLoginThrottle, type LoginThrottle } from '../auth/login-throttle.ts';
import { createRelyingParty, type IssuerSettings, type RelyingParty } from '../auth/oidc.ts';
import { createRateLimiter } from '../auth/rate-limit.ts';
import { createSessionStore, type SessionStore } from '../auth/sessions.ts';
import { BUNDLED_IDP_OPT_IN, type Population } from '../config.ts';
import type { DirectoryStore } from '../directory/store.ts';
import type { Logger } from '../logger.ts';
import { injectFetch } from './inject-fetch.ts';

/**
 * Login as the HTTP layer sees it: the session store, the login use cases, the cookies, and the
 * parts that need the server's public URL (known only once it listens when PORT=0 and PUBLIC_URL
 * is unset): the relying party and, unless both populations use a configured issuer, the bundled
 * identity provider. Those are created on first use.
 */
export interface AuthRuntime {
  publicUrl(): string;
  sessions: SessionStore;
  /** Who works where, as what: read at each decision, never remembered in the session. */
  directory: DirectoryStore;
  login: LoginService;
  /**
   * Where refusals go (`auth.refused`): those of unauthenticated callers summed per client and
   * window (src/audit/refusals.ts); the pending summaries are written when the server closes.
   */
  refusals: RefusalRecorder;
  /** Failed logins, per address and per account from an address (src/auth/login-throttle.ts). */
  throttle: LoginThrottle;
  /** The bundled provider, or null when both populations log in with a configured issuer. */
  bundledIdp(): Promise<BundledIdp | null>;
  cookies: {
    session: { name(): string; options(): CookieSerializeOptions };
    /** The pre-login cookie that binds a login's `state` to the browser that started it. */
    login: { name: string; options(): CookieSerializeOptions };
  };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Cookies are `Secure` unless the public URL is plain HTTP on this machine. */
export function isLocalHttp(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = null;
      throw error;
    });
    return value;
  };
}

export function createAuthRuntime(app: App, server: FastifyInstance, logger: Logger): AuthRuntime {
  const { config } = app;
  const log = (fields: Record<string, unknown>, message: string) => logger.info({ auth: fields }, message);

  const publicUrl = (): string => {
    if (config.publicUrl) return config.publicUrl;
    const address = server.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  };
  const secure = () => !isLocalHttp(publicUrl());

  // A population without a configured issuer logs in at the bundled, passwordless provider:
  // only on a loopback address, unless the operator opted in (then said loudly at every start).
  const bundled = !(config.auth.oidc.patient && config.auth.oidc.professional);
  if (
    bundled &&
    bundledIdpExposure({
      publicUrl: config.publicUrl,
      host: config.host,
      optIn: config.auth.bundledIdpOnPublicUrl,
    }) === 'public-opted-in'
  ) {
    logger.warn(
      { auth: { bundledIdp: BUNDLED_IDP_OPT_IN, publicUrl: config.publicUrl, host: config.host } },
      'THE PASSWORDLESS DEMO IDENTITY PROVIDER IS ON A NON-LOOPBACK ADDRESS: anyone who reaches this server can log in as any demo person',
    );
  }

  const bundledIdp = once(async () => {
    if (!bundled) return null;
    return createBundledIdp({
      env: config.env,
      dataDir: config.dataDir,
      publicUrl: publicUrl(),
      db: app.store.db,
      log,
    });
  });

  const relyingParty = once(async (): Promise<RelyingParty> => {
    const base = publicUrl();
    const settings = async (population: Population): Promise<IssuerSettings> => {
      const configured = config.auth.oidc[population];
      const acr = { acr_values: config.auth.minAcr[population] };
      if (configured) {
        const local = config.env !== 'production' && isLocalHttp(configured.issuer);
        return { ...configured, authorizationParams: acr, allowHttp: local };
      }
      const idp = await bundledIdp();
      if (!idp) throw new Error('unreachable: the bundled identity provider serves unconfigured populations');
      return {
        issuer: idp.issuer,
        ...idp.clients[population],
        scope: IDP_SCOPES[population],
        // The demo always shows its account list, so that one can switch accounts.
        authorizationParams: { ...acr, prompt: 'login' },
        allowHttp: new URL(base).protocol === 'http:',
        fetch: injectFetch(server),
      };
    };
    return createRelyingParty({
      publicUrl: base,
      issuers: { patient: await settings('patient'), professional: await settings('professional') },
    });
  });

  const sessions = createSessionStore({
    db: app.store.db,
    clock: app.clock,
    policy: { idleMinutes: config.auth.sessionIdleMinutes, maxHours: config.auth.sessionMaxHours },
  });
  const throttle = createLoginThrottle({
    limiter: createRateLimiter({
      db: app.store.db,
      clock: app.clock,
      windowMinutes: config.auth.rateLimit.windowMinutes,
    }),
    limits: config.auth.rateLimit,
  });
  const refusals = createRefusalRecorder({
    audit: app.audit,
    clock: app.clock,
    windowSeconds: config.auditRefusalWindowSeconds,
    onError: (error) =>
      logger.warn({ code: error instanceof Error ? error.name : 'unknown' }, 'audit refusal summary failed'),
  });
  server.addHook('onClose', () => refusals.close());
  const login = createLoginService({
    store: app.store,
    audit: app.audit,
    refusals,
    directory: app.directory,
    sessions,
    loginStates: createLoginStateStore({ db: app.store.db, clock: app.clock }),
    throttle,
    relyingParty,
    config: config.auth,
    log,
  });

  return {
    publicUrl,
    sessions,
    directory: app.directory,
    login,
    refusals,
    throttle,
    bundledIdp,
    cookies: {
      session: {
        // `__Host-`: the browser accepts it only Secure, for this host, on path `/`.
        name: () => (secure() ? '__Host-officine_session' : 'officine_session'),
        options: () => ({ httpOnly: true, sameSite: 'lax', secure: secure(), path: '/' }),
      },
      login: {
        name: 'officine_login',
        options: () => ({ httpOnly: true, sameSite: 'lax', secure: secure(), path: '/auth', maxAge: 600 }),
      },
    },
  };
}
