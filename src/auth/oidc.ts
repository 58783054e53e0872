import * as client from 'openid-client';
import type { Population } from '../config.ts';
import type { Claims } from './claims.ts';

/**
 * The OpenID Connect relying party (openid-client): one issuer per population. Authorization code
 * with PKCE (S256), `state` and `nonce`; openid-client checks the ID token's signature (against
 * the issuer's JWKS), `iss`, `aud`, `exp`/`iat` and `nonce`. Claims are the ID token's, completed by the userinfo endpoint
 * when the issuer has one (Pro Santé Connect and FranceConnect put identity claims there); `acr`
 * always comes from the ID token.
 */
export interface IssuerSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Space-separated scopes asked for. */
  scope: string;
  /** Extra authorization request parameters (`acr_values`, `prompt`…). */
  authorizationParams: Record<string, string>;
  /** Plain-HTTP issuers are refused unless this is set (local development and tests). */
  allowHttp: boolean;
  /** In-process transport for the bundled provider; the network otherwise. */
  fetch?: client.CustomFetch;
}

export interface AuthorizationRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface IdentityResult {
  claims: Claims;
  acr: string | undefined;
}

/** Why a callback could not be turned into claims; logged by code, never with its content. */
export class CallbackError extends Error {
  override name = 'CallbackError';
  constructor(
    readonly reason: 'INVALID_CALLBACK' | 'INVALID_ID_TOKEN' | 'IDP_UNAVAILABLE' | 'LOGIN_CANCELLED',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface RelyingParty {
  redirectUri(population: Population): string;
  /** Where to send the browser; fresh `state`, `nonce` and PKCE verifier come with it. */
  startAuthorization(population: Population): Promise<{ url: URL; request: AuthorizationRequest }>;
  /** Exchanges the code of a callback URL and returns the identity claims. */
  finishAuthorization(
    population: Population,
    callbackUrl: URL,
    request: AuthorizationRequest,
  ): Promise<IdentityResult>;
}

const CALLBACK_PATHS: Record<Population, string> = {
  patient: '/auth/patient/callback',
  professional: '/auth/pro/callback',
};

export function callbackPath(population: Population): string {
  return CALLBACK_PATHS[population];
}

/** Errors about the token response itself: its ID token's claims, signature or shape. */
const ID_TOKEN_CODES = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
]);

function classify(error: unknown): CallbackError {
  if (error instanceof CallbackError) return error;
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  if (error instanceof client.AuthorizationResponseError) {
    if (error.error === 'access_denied') return new CallbackError('LOGIN_CANCELLED', 'access_denied');
    return new CallbackError('INVALID_CALLBACK', `authorization error ${error.error}`);
  }
  if (error instanceof client.ResponseBodyError) {
    return new CallbackError('INVALID_CALLBACK', `token endpoint error ${error.error}`);
  }
  if (ID_TOKEN_CODES.has(code) || /id[_ ]token|JWT|JWS/i.test(code)) {
    return new CallbackError('INVALID_ID_TOKEN', code);
  }
  if (error instanceof TypeError || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new CallbackError('IDP_UNAVAILABLE', code || (error as Error).message);
  }
  return new CallbackError('INVALID_CALLBACK', code || 'unexpected error');
}

export function createRelyingParty(options: {
  publicUrl: string;
  issuers: Record<Population, IssuerSettings>;
}): RelyingParty {
  const { publicUrl, issuers } = options;
  const configurations = new Map<Population, Promise<client.Configuration>>();

  /** Discovered once per population; a failed discovery is retried at the next login. */
  function configuration(population: Population): Promise<client.Configuration> {
    let found = configurations.get(population);
    if (!found) {
      const settings = issuers[population];
      found = client
        .discovery(
          new URL(settings.issuer),
          settings.clientId,
          {
            redirect_uris: [publicUrl + CALLBACK_PATHS[population]],
            response_types: ['code'],
            ...(settings.clientSecret ? { client_secret: settings.clientSecret } : {}),
          },
          settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
          {
            ...(settings.fetch ? { [client.customFetch]: settings.fetch } : {}),
            // The ID token's signature is checked against the issuer's JWKS too, not only TLS: an
            // answer is attributable to the issuer (and the audit trail may rely on it).
            execute: settings.allowHttp
              ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
              : [client.enableNonRepudiationChecks],
            timeout: 10,
          },
        )
        .catch((error: unknown) => {
          configurations.delete(population);
          throw new CallbackError(
            'IDP_UNAVAILABLE',
            `discovery failed: ${(error as { code?: string }).code ?? ''}`,
          );
        });
      configurations.set(population, found);
    }
    return found;
  }

  return {
    redirectUri: (population) => publicUrl + CALLBACK_PATHS[population],

    async startAuthorization(population) {
      const config = await configuration(population);
      const settings = issuers[population];
      const request: AuthorizationRequest = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: publicUrl + CALLBACK_PATHS[population],
        scope: settings.scope,
        state: request.state,
        nonce: request.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
        code_challenge_method: 'S256',
        ...settings.authorizationParams,
      });
      return { url, request };
    },

    async finishAuthorization(population, callbackUrl, request) {
      const config = await configuration(population);
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: request.codeVerifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (!idToken) throw new CallbackError('INVALID_ID_TOKEN', 'no ID token');
        let userinfo: Claims = {};
        if (config.serverMetadata().userinfo_endpoint) {
          userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
        }
        const acr = typeof idToken.acr === 'string' ? idToken.acr : undefined;
        return { claims: { ...userinfo, ...idToken }, acr };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}
