import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { startServer, tempDir } from './test-server.ts';

/**
 * The passwordless demo identity provider on a public address: the server refuses to start,
 * unless both populations have a real issuer or the operator opted in (then a loud log line).
 */
describe('the bundled identity provider off loopback', () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  before(async () => {
    store = await openTestStore();
    data = tempDir();
  });
  after(async () => {
    await store.dispose();
    data.remove();
  });

  const start = async (env: Record<string, string>) => {
    let log = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    const server = await startServer({ store, dataDir: data.dir, env, log: stream, logLevel: 'info' });
    return { server, log: () => log };
  };

  it('refuses to start with an https PUBLIC_URL and no issuer, saying what to do', async () => {
    const publicEnvs: Record<string, string>[] = [
      { PUBLIC_URL: 'https://officine.example' },
      { HOST: '0.0.0.0' },
    ];
    for (const env of publicEnvs) {
      const refused = await start(env).then(
        async ({ server }) => server.close(),
        (error: unknown) => error,
      );
      assert.ok(refused instanceof ConfigError, `${JSON.stringify(env)} must be refused`);
      assert.match(refused.message, /adresse locale/);
      assert.match(refused.message, /BUNDLED_IDP=on-public-url-i-understand/);
    }
  });

  it('starts with the opt-in and says so loudly in the log', async () => {
    const { server, log } = await start({
      PUBLIC_URL: 'https://officine.example',
      BUNDLED_IDP: 'on-public-url-i-understand',
    });
    try {
      const discovery = await fetch(`${server.base}/idp/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200);
      const warning = log()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { level: number; msg: string })
        .find((line) => /PASSWORDLESS DEMO IDENTITY PROVIDER/.test(line.msg));
      assert.equal(warning?.level, 40, 'a warning');
    } finally {
      await server.close();
    }
  });

  it('starts without it when both populations have a configured issuer, and serves no /idp', async () => {
    const { server } = await start({
      PUBLIC_URL: 'https://officine.example',
      OIDC_PATIENT_ISSUER: 'https://auth.mes.example',
      OIDC_PATIENT_CLIENT_ID: 'p',
      OIDC_PRO_ISSUER: 'https://auth.psc.example',
      OIDC_PRO_CLIENT_ID: 'q',
    });
    try {
      assert.equal((await fetch(`${server.base}/idp/.well-known/openid-configuration`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
