import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatReferences,
  isMessageId,
  isMessageIdDomain,
  messageIdFor,
  parseReferences,
  replyHeaders,
  trimReferences,
} from './message-id.ts';

const UUID = '0195f3a2-7c41-7b3e-9a10-4f2d8c6b1e00';

test('a Message-ID is <uuid@domain> with a configurable domain', () => {
  const id = messageIdFor(UUID, 'officine.example.fr');
  assert.equal(id, `<${UUID}@officine.example.fr>`);
  assert.ok(isMessageId(id));
  assert.ok(!isMessageId(UUID));
  assert.ok(!isMessageId('<a b@c>'));
  assert.throws(() => messageIdFor(UUID, 'bad domain'), RangeError);
  for (const ok of ['localhost', 'officine-mss.localhost', 'mss.pharmacie.fr'])
    assert.ok(isMessageIdDomain(ok), ok);
  for (const bad of ['', '-x.fr', 'x..fr', 'X.FR', 'a@b', 'é.fr']) assert.ok(!isMessageIdDomain(bad), bad);
});

test('replies carry In-Reply-To and a growing References chain', () => {
  const first = { messageId: '<1@d>', inReplyTo: null, references: [] };
  const second = { messageId: '<2@d>', ...replyHeaders(first) };
  assert.deepEqual(second, { messageId: '<2@d>', inReplyTo: '<1@d>', references: ['<1@d>'] });
  const third = replyHeaders(second);
  assert.deepEqual(third, { inReplyTo: '<2@d>', references: ['<1@d>', '<2@d>'] });
  // A parent with In-Reply-To but no References (RFC 5322: use In-Reply-To).
  assert.deepEqual(replyHeaders({ messageId: '<y@d>', inReplyTo: '<x@d>', references: [] }).references, [
    '<x@d>',
    '<y@d>',
  ]);
});

test('References keeps the root and the latest ids; stored as one space-separated string', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `<${i}@d>`);
  const kept = trimReferences(ids, 5);
  assert.deepEqual(kept, ['<0@d>', '<26@d>', '<27@d>', '<28@d>', '<29@d>']);
  assert.equal(formatReferences([]), null);
  assert.deepEqual(parseReferences(formatReferences(kept)), kept);
  assert.deepEqual(parseReferences(null), []);
});
