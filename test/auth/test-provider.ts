import http from 'node:http';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/**
 * A minimal OpenID Connect issuer the test controls, on 127.0.0.1: discovery, JWKS and a token
 * endpoint that answers with whatever ID token the test asks for (wrong audience, expired, old
 * nonce, low acr, foreign signature…). There is no authorization endpoint to speak of: the test
 * reads `state` and `nonce` from the redirect our server sends and calls our callback itself.
 */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Builds the next token response's ID token claims from the defaults. */
  nextClaims: (defaults: JWTPayload) => JWTPayload;
  /** Sign the next ID token with a key that is not in the JWKS. */
  signWithForeignKey: boolean;
  tokenRequests: number;
  close(): Promise<void>;
}

export async function startTestProvider(): Promise<TestProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let issuer = '';
  const provider: TestProvider = {
    issuer: '',
    clientId: 'officine-test-client',
    clientSecret: 'test-secret',
    nextClaims: (claims) => claims,
    signWithForeignKey: false,
    tokenRequests: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        acr_values_supported: ['eidas1', 'eidas2', 'eidas3'],
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        void (async () => {
          provider.tokenRequests++;
          const params = new URLSearchParams(body);
          const now = Math.floor(Date.now() / 1000);
          const claims = provider.nextClaims({
            iss: issuer,
            aud: provider.clientId,
            sub: `sub-${params.get('code')}`,
            iat: now,
            exp: now + 300,
            acr: 'eidas2',
          });
          const foreignKey = provider.signWithForeignKey;
          provider.signWithForeignKey = false;
          const idToken = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
            .sign(foreignKey ? foreign.privateKey : privateKey);
          json(res, 200, {
            access_token: 'opaque-access-token',
            token_type: 'Bearer',
            expires_in: 300,
            id_token: idToken,
          });
        })();
      });
      return;
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  issuer = `http://127.0.0.1:${address.port}`;
  provider.issuer = issuer;
  return provider;
}

/** Starts a login on our server and returns the `state` and `nonce` it sent to the provider. */
export async function beginLogin(
  fetchWithJar: (url: string) => Promise<Response>,
  base: string,
  segment: 'patient' | 'pro',
): Promise<{ state: string; nonce: string; authorizeUrl: URL }> {
  const response = await fetchWithJar(`${base}/auth/${segment}/login`);
  if (response.status !== 303) throw new Error(`login start answered ${response.status}`);
  const authorizeUrl = new URL(response.headers.get('location') ?? '');
  const state = authorizeUrl.searchParams.get('state');
  const nonce = authorizeUrl.searchParams.get('nonce');
  if (!state || !nonce) throw new Error('no state or nonce in the authorization request');
  return { state, nonce, authorizeUrl };
}
