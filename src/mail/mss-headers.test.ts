import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareMessageId, closesConversation, messageIdList, normaliseMessageId } from './mss-headers.ts';

test('X-MSS-MES: FIN or a subject that is exactly [FIN] closes the conversation', () => {
  assert.ok(closesConversation({ subject: 'Votre commande', mssMes: 'FIN' }));
  assert.ok(closesConversation({ subject: null, mssMes: ' fin ' }));
  assert.ok(closesConversation({ subject: '[FIN]', mssMes: null }));
  assert.ok(closesConversation({ subject: ' [FIN] ', mssMes: null }), 'unfolding may leave spaces');
  for (const subject of ['Re: [FIN]', '[FIN] merci', 'FIN', '[fin]', null])
    assert.ok(!closesConversation({ subject, mssMes: null }), String(subject));
  assert.ok(!closesConversation({ subject: 'x', mssMes: 'FINI' }));
});

test('In-Reply-To and References are read into <left@right> ids, in order, once each', () => {
  assert.deepEqual(messageIdList('<a@b>\r\n <c@d>\t<e@f>'), ['<a@b>', '<c@d>', '<e@f>']);
  assert.deepEqual(messageIdList('<a@b> (comment) <a@b> <c@d>'), ['<a@b>', '<c@d>']);
  assert.deepEqual(messageIdList('a@b'), ['<a@b>'], 'a bare id is accepted');
  assert.deepEqual(messageIdList('a@b (Camille)'), ['<a@b>']);
  assert.deepEqual(messageIdList('Votre message du 3 mars <x@y.fr>'), ['<x@y.fr>']);
  assert.deepEqual(messageIdList(''), []);
  assert.deepEqual(messageIdList(null), []);
  assert.deepEqual(messageIdList('pas un identifiant'), []);
  assert.deepEqual(messageIdList('<no-at-sign>'), []);
  assert.equal(normaliseMessageId(' <a@b> '), '<a@b>');
  assert.equal(normaliseMessageId(undefined), null);
  assert.equal(bareMessageId('<a@b>'), 'a@b');
  assert.equal(bareMessageId('a@b'), 'a@b');
});
