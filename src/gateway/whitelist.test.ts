import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { whitelistXml } from '../../test/helpers/whitelist-xml.ts';
import { systemClock } from '../time/clock.ts';
import { createWhitelist } from './whitelist.ts';
import { parseWhitelistXml } from './whitelist-xml.ts';

test('the national format: every Domaine/Nom, wherever it sits, lower-cased', () => {
  const parsed = parseWhitelistXml(
    `<?xml version="1.0"?><Liste><Operateur><Nom>Pas un domaine</Nom><Domaines><Domaine><Nom>Op.Test</Nom></Domaine></Domaines></Operateur>
     <Domaine><Nom>other.test</Nom><Nom>third.test</Nom></Domaine></Liste>`,
  );
  assert.deepEqual(parsed, { ok: true, domains: new Set(['op.test', 'other.test', 'third.test']) });
});

test('a broken document says why: invalid XML, no domain, a domain that is not one', () => {
  assert.deepEqual(parseWhitelistXml('<Liste><Domaine><Nom>op.test</Nom></Domaine>'), {
    ok: false,
    reason: 'INVALID_XML',
  });
  assert.deepEqual(parseWhitelistXml('<Liste><Operateur/></Liste>'), { ok: false, reason: 'NO_DOMAIN' });
  assert.deepEqual(parseWhitelistXml('<Liste><Domaine><Nom>pas un domaine</Nom></Domaine></Liste>'), {
    ok: false,
    reason: 'INVALID_DOMAIN',
  });
  // Entities are not expanded: an entity cannot smuggle a domain in (nor blow up).
  const entity = '<!DOCTYPE l [<!ENTITY d "op.test">]><Liste><Domaine><Nom>&d;</Nom></Domaine></Liste>';
  assert.equal(parseWhitelistXml(entity).ok, false);
});

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-whitelist-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const options = (source: string) => ({
  source,
  reloadMs: 3_600_000,
  maxBytes: 4096,
  timeoutMs: 2000,
  clock: systemClock,
});

test('a reload that fails keeps the last good list, and logs why without the source', async () => {
  const file = path.join(dir, 'listeblanchemssante.xml');
  fs.writeFileSync(file, whitelistXml(['op.test']));
  const logs: unknown[] = [];
  const list = createWhitelist({ ...options(file), log: (_level, fields) => logs.push(fields) });
  assert.equal(list.loadedAt(), null);
  assert.deepEqual(await list.start(), { ok: true, domains: 1 });
  list.stop();
  const loadedAt = list.loadedAt();
  for (const [content, reason] of [
    ['<ListeBlanche><Domaine>', 'INVALID_XML'],
    ['<ListeBlanche/>', 'NO_DOMAIN'],
    ['x'.repeat(5000), 'TOO_LARGE'],
  ] as const) {
    fs.writeFileSync(file, content);
    assert.deepEqual(await list.reload(), { ok: false, reason });
    assert.equal(list.has('op.test'), true);
    assert.equal(list.loadedAt(), loadedAt);
  }
  fs.rmSync(file);
  assert.deepEqual(await list.reload(), { ok: false, reason: 'SOURCE_UNREADABLE' });
  assert.equal(list.has('OP.test'), true);
  assert.ok(!JSON.stringify(logs).includes(dir));
  fs.writeFileSync(file, whitelistXml(['new.test']));
  assert.deepEqual(await list.reload(), { ok: true, domains: 1 });
  assert.deepEqual([list.has('op.test'), list.has('new.test')], [false, true]);
});

test('from a URL: bounded in size and time, an HTTP error keeps the last good list', async () => {
  let answer: (res: http.ServerResponse) => void = (res) => res.end(whitelistXml(['op.test']));
  const server = http.createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/listeblanchemssante.xml`;
  try {
    const list = createWhitelist({ ...options(url), timeoutMs: 30_000 });
    assert.deepEqual(await list.reload(), { ok: true, domains: 1 });
    answer = (res) => {
      res.statusCode = 503;
      res.end();
    };
    assert.deepEqual(await list.reload(), { ok: false, reason: 'HTTP_STATUS' });
    answer = (res) => {
      res.write('<Liste>');
      for (let i = 0; i < 200; i++) res.write('<Domaine><Nom>op.test</Nom></Domaine>');
      res.end('</Liste>');
    };
    assert.deepEqual(await list.reload(), { ok: false, reason: 'TOO_LARGE' });
    assert.equal(list.has('op.test'), true);
    // A body that never ends: whatever the bound, the read gives up (a short one keeps the test short).
    answer = (res) => res.write('<Liste>');
    const slow = createWhitelist({ ...options(url), timeoutMs: 200 });
    assert.deepEqual(await slow.reload(), { ok: false, reason: 'TIMEOUT' });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
