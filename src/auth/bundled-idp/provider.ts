import type { Kysely } from 'kysely';
import type { Provider } from 'oidc-provider';
import type { Population } from '../../config.ts';
import type { Schema } from '../../db/schema.ts';
import { PAGE_HEADERS } from '../html.ts';
import { callbackPath } from '../oidc.ts';
import { createIdpAccounts, type IdpAccounts } from './accounts.ts';
import { purgeExpiredArtifacts, storeAdapter } from './adapter.ts';
import { readOrCreateIdpSecrets } from './keys.ts';
import { idpMessagePage } from './login-page.ts';

/**
 * The bundled OpenID Connect provider (oidc-provider 9) for demonstrations: mounted under `/idp`
 * of the same server, issuer `${PUBLIC_URL}/idp`, two registered clients (patients,
 * professionals), authorization code with PKCE only. Its artefacts live in the store, its keys
 * under DATA_DIR. It refuses to exist in production.
 */
export const IDP_MOUNT_PATH = '/idp';

export const IDP_CLIENT_IDS: Record<Population, string> = {
  patient: 'officine-mss-patients',
  professional: 'officine-mss-professionnels',
};

/** Scopes each client asks for (and may ask for), and the claims each scope releases. */
export const IDP_SCOPES: Record<Population, string> = {
  patient: 'openid profile ins',
  professional: 'openid scope_all',
};

export class BundledIdpRefusedError extends Error {
  override name = 'BundledIdpRefusedError';
  constructor() {
    super(
      'Le fournisseur d’identité de démonstration ne démarre pas en production (OFFICINE_ENV=production) : ' +
        'configurez OIDC_PATIENT_ISSUER et OIDC_PRO_ISSUER (Mon espace santé / FranceConnect, Pro Santé Connect).',
    );
  }
}

export interface BundledIdp {
  issuer: string;
  provider: Provider;
  accounts: IdpAccounts;
  clients: Record<Population, { clientId: string; clientSecret: string }>;
  populationOfClient(clientId: string): Population | null;
  /** True for oidc-provider's "no such interaction/session" error (expired, or cookie missing). */
  isSessionNotFound(error: unknown): boolean;
}

export async function createBundledIdp(options: {
  env: 'development' | 'production';
  dataDir: string;
  publicUrl: string;
  db: Kysely<Schema>;
  log: (fields: Record<string, unknown>, message: string) => void;
}): Promise<BundledIdp> {
  if (options.env === 'production') throw new BundledIdpRefusedError();
  // Loaded only when used: production never loads it.
  const { default: ProviderClass, errors } = await import('oidc-provider');
  const secrets = readOrCreateIdpSecrets(options.dataDir);
  const accounts = createIdpAccounts(options.db);
  const issuer = options.publicUrl + IDP_MOUNT_PATH;
  const cookie = { httpOnly: true, sameSite: 'lax', path: IDP_MOUNT_PATH };

  const provider = new ProviderClass(issuer, {
    adapter: storeAdapter(options.db),
    clients: (['patient', 'professional'] as const).map((population) => ({
      client_id: IDP_CLIENT_IDS[population],
      client_secret: secrets.clientSecrets[population],
      client_name:
        population === 'patient' ? 'Officine MSS — patients' : 'Officine MSS — équipes officinales',
      redirect_uris: [options.publicUrl + callbackPath(population)],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: IDP_SCOPES[population],
    })),
    jwks: secrets.jwks,
    cookies: {
      names: { session: 'idp_session', interaction: 'idp_interaction', resume: 'idp_interaction_resume' },
      long: cookie,
      short: cookie,
      keys: secrets.cookieKeys,
    },
    scopes: ['openid', 'profile', 'ins', 'scope_all'],
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate', 'gender'],
      ins: ['ins_matricule', 'ins_oid', 'ins_status'],
      scope_all: ['SubjectNameID', 'given_name', 'family_name'],
    },
    acrValues: ['eidas1', 'eidas2', 'eidas3'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: async (_ctx, interaction) => `${IDP_MOUNT_PATH}/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const claims = await accounts.claims(sub);
      return claims && { accountId: sub, claims: () => claims };
    },
    // Both clients are Officine MSS itself: no consent screen, the grant covers what was asked.
    async loadExistingGrant(ctx) {
      const { client, session, result } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      ctx.status = Math.max(ctx.status, 400);
      for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
      ctx.type = 'html';
      ctx.body = idpMessagePage(
        'Connexion impossible',
        `Le fournisseur d’identité de démonstration n’a pas pu traiter la demande (${out.error ?? 'erreur'}). Recommencez la connexion depuis Officine MSS.`,
      );
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  });
  // Requests reach the provider through our server, which sets X-Forwarded-* from PUBLIC_URL.
  provider.proxy = true;
  // Every page the provider answers gets the same strict headers as ours.
  provider.use(async (ctx, next) => {
    await next();
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('content-security-policy', PAGE_HEADERS['content-security-policy'] as string);
  });
  for (const event of ['error', 'server_error', 'authorization.error', 'grant.error', 'userinfo.error']) {
    provider.on(event, (...args: unknown[]) => {
      const error = args.find((a): a is Error => a instanceof Error);
      options.log(
        { event, error: error?.name, code: (error as { error?: string } | undefined)?.error },
        'bundled identity provider error',
      );
    });
  }
  await purgeExpiredArtifacts(options.db);

  const byClientId = new Map(
    (Object.entries(IDP_CLIENT_IDS) as [Population, string][]).map(([population, id]) => [id, population]),
  );
  return {
    issuer,
    provider,
    accounts,
    clients: {
      patient: { clientId: IDP_CLIENT_IDS.patient, clientSecret: secrets.clientSecrets.patient },
      professional: {
        clientId: IDP_CLIENT_IDS.professional,
        clientSecret: secrets.clientSecrets.professional,
      },
    },
    populationOfClient: (clientId) => byClientId.get(clientId) ?? null,
    isSessionNotFound: (error) => error instanceof errors.SessionNotFound,
  };
}
