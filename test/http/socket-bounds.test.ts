import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DEMO_ACCOUNTS } from '../../src/demo/accounts.ts';
import { Browser } from '../auth/browser.ts';
import { login } from '../auth/login.ts';
import { startServer, type TestServer, tempDir, withDemo } from '../auth/test-server.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/**
 * The socket bounds, with raw sockets and small limits: slow headers and slow bodies are cut,
 * a steady slow body is not, event streams outlive every timeout, and one client address cannot
 * take more than its share of connections (the proxy TRUST_PROXY names is exempt) while the health
 * route keeps answering others. A test that hangs here is a bound that does not hold: the
 * runner's timeout fails it.
 */
const camille = DEMO_ACCOUNTS.patients[0];
if (!camille) throw new Error('demo accounts missing');

function connect(server: TestServer, localAddress = '127.0.0.1'): Promise<net.Socket> {
  const { port } = new URL(server.base);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: net.Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

/** A GET on a raw connection, which the server then closes. */
function get(socket: net.Socket, path: string): Promise<string> {
  const answer = untilClosed(socket);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
  return answer;
}

describe('socket bounds', { timeout: 60_000 }, () => {
  let store: TestStore;
  let data: ReturnType<typeof tempDir>;
  let tight: TestServer;
  let steady: TestServer;
  let capped: TestServer;
  let full: TestServer;

  before(async () => {
    store = await openTestStore();
    data = tempDir();
    await withDemo(store, { now: () => new Date() });
    const start = (env: Record<string, string>) => startServer({ store, dataDir: data.dir, env });
    tight = await start({
      HTTP_HEADERS_TIMEOUT_SECONDS: '0.5',
      HTTP_BODY_TIMEOUT_SECONDS: '0.5',
      SSE_HEARTBEAT_SECONDS: '1',
    });
    steady = await start({ HTTP_BODY_TIMEOUT_SECONDS: '1.5', HTTP_BODY_MIN_RATE: '1000' });
    capped = await start({ HTTP_MAX_CONNECTIONS_PER_IP: '3', TRUST_PROXY: '127.0.0.3' });
    full = await start({ HTTP_MAX_CONNECTIONS: '2' });
  });
  after(async () => {
    for (const server of [tight, steady, capped, full]) await server.close();
    await store.dispose();
    data.remove();
  });

  it('cuts a request whose headers never end, and one whose body trickles', async () => {
    const headers = await connect(tight);
    const headersCut = untilClosed(headers);
    headers.write('GET /api/health HTTP/1.1\r\nHost: test\r\n');

    const body = await connect(tight);
    const bodyCut = untilClosed(body);
    body.write(
      'POST /auth/logout HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );

    const health = await fetch(`${tight.base}/api/health`);
    assert.equal(health.status, 200, 'the health route answers meanwhile');
    assert.match(await headersCut, /^HTTP\/1\.1 408 /);
    assert.doesNotMatch(await bodyCut, /^HTTP\/1\.1 2/);
  });

  it('lets a slow but steady body through, for longer than the stall allowance', async () => {
    const chunks = 12;
    const payload = JSON.stringify({ pad: 'a'.repeat(chunks * 2000 - 10) });
    const socket = await connect(steady);
    const answer = untilClosed(socket);
    socket.write(
      `POST /auth/logout HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`,
    );
    // A client sending 8 KB/s (four times the minimum) for three seconds: twice the allowance.
    for (let i = 0; i < payload.length; i += 2000) {
      socket.write(payload.slice(i, i + 2000));
      await delay(250);
    }
    assert.match(await answer, /^HTTP\/1\.1 204 /);
  });

  it('keeps an event stream open past the header and body timeouts', async () => {
    const browser = new Browser();
    await login(browser, tight.base, 'patient', { account: camille.matricule });
    const abort = new AbortController();
    const response = await browser.fetch(`${tight.base}/api/patient/events`, { signal: abort.signal });
    assert.equal(response.status, 200);
    const reader = response.body?.getReader();
    assert.ok(reader);
    let text = '';
    // Two heartbeats a second apart: the stream has lived four times the timeouts.
    while ((text.match(/^: ping$/gm) ?? []).length < 2) {
      const { value, done } = await reader.read();
      assert.equal(done, false, `the stream ended: ${text}`);
      text += Buffer.from(value ?? []).toString('utf8');
    }
    assert.match(text, /event: ready/);
    abort.abort();
  });

  it('refuses the connection one address opens over its cap; others, and the health route, still get answers', async () => {
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await connect(capped, '127.0.0.2'));
    const over = await connect(capped, '127.0.0.2');
    assert.equal(await untilClosed(over), '', 'closed without an answer');

    const health = await fetch(`${capped.base}/api/health`);
    assert.equal(health.status, 200);
    for (const socket of held) assert.match(await get(socket, '/api/health'), /^HTTP\/1\.1 200 /);

    // The proxy TRUST_PROXY names is not capped per address: its clients are many.
    const proxy = [];
    for (let i = 0; i < 5; i++) proxy.push(await connect(capped, '127.0.0.3'));
    for (const socket of proxy) assert.match(await get(socket, '/api/health'), /^HTTP\/1\.1 200 /);
  });

  it('refuses connections over the cap in all', async () => {
    const held = [await connect(full, '127.0.0.4'), await connect(full, '127.0.0.5')];
    const over = await connect(full, '127.0.0.6');
    assert.equal(await untilClosed(over), '');
    for (const socket of held) assert.match(await get(socket, '/api/health'), /^HTTP\/1\.1 200 /);
  });
});
