import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { buildHttpServer } from './server.ts';

let store: TestStore;
let base: string;
let close: () => Promise<void>;

before(async () => {
  store = await openTestStore();
  const app = await createApp(loadConfig({ PORT: '0' }), { store });
  const server = buildHttpServer(app, createLogger('silent'));
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  assert.ok(typeof address === 'object' && address !== null);
  base = `http://127.0.0.1:${address.port}`;
  close = () => server.close();
});
after(async () => {
  await close();
  await store.dispose();
});

test('GET /api/health answers ok when the store is reachable', async () => {
  const response = await fetch(`${base}/api/health`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ok' });
});

test('an unknown route answers a stable code and a French message', async () => {
  const response = await fetch(`${base}/api/nothing-here`);
  assert.equal(response.status, 404);
  const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
  assert.equal(body.error.code, 'NOT_FOUND');
  assert.equal(body.error.message, 'Ressource introuvable.');
  assert.match(body.error.requestId, /^[0-9a-f-]{36}$/);
});

test('the home page is French and served with a strict CSP', async () => {
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(await response.text(), /<html lang="fr">/);
});

test('GET /api/openapi.json documents every API route from the schemas that validate it', async () => {
  const response = await fetch(`${base}/api/openapi.json`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown }>
    >;
  };
  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/api/health']?.get);
  assert.ok(doc.paths['/api/me']?.get);
  const create = doc.paths['/api/pharmacies/{finess}/credentials']?.post;
  assert.deepEqual(
    create?.parameters.map((p) => `${p.in}:${p.name}`),
    ['path:finess'],
  );
  assert.ok(create?.requestBody, 'the request body schema is documented');
  assert.ok(doc.paths['/api/pharmacies/{finess}/credentials/{id}']?.delete);
});

test('the OpenAPI document lists the login and logout routes an API client uses', async () => {
  type Operation = {
    tags: string[];
    security: unknown[];
    responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
  };
  const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  for (const segment of ['patient', 'pro']) {
    const login = doc.paths[`/auth/${segment}/login`]?.get;
    assert.ok(login, `GET /auth/${segment}/login`);
    assert.deepEqual(login.tags, ['auth']);
    assert.deepEqual(login.security, []);
    assert.ok(login.responses['303']?.headers?.Location, 'a redirect, with its Location');
    assert.ok(login.responses['429']?.content?.['text/html']);
  }
  const logout = doc.paths['/auth/logout']?.post;
  assert.ok(logout, 'POST /auth/logout');
  assert.deepEqual(logout.security, [{ session: [] }]);
  assert.ok(logout.responses['204']);
  assert.ok(logout.responses['303']?.headers?.Location);
  assert.ok(doc.paths['/api/me']?.get);
});

test('a request failing its schema answers 400 VALIDATION_ERROR naming the fields, not their values', async () => {
  const response = await fetch(`${base}/api/pharmacies/not-a-finess/credentials`);
  assert.equal(response.status, 400);
  const body = (await response.json()) as {
    error: { code: string; message: string; details: { fields: string[] } };
  };
  assert.equal(body.error.code, 'VALIDATION_ERROR');
  assert.deepEqual(body.error.details.fields, ['params.finess']);
  assert.doesNotMatch(JSON.stringify(body), /not-a-finess/);
});
