import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { DEFAULT_QUOTAS } from './limits.ts';

test('messaging configuration: Message-ID domain and quotas, with defaults', () => {
  assert.deepEqual(loadConfig({}).messaging, {
    messageIdDomain: 'officine-mss.localhost',
    quotas: DEFAULT_QUOTAS,
  });
  assert.equal(
    loadConfig({ PUBLIC_URL: 'https://mss.Pharmacie.example' }).messaging.messageIdDomain,
    'mss.pharmacie.example',
  );
  assert.equal(
    loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8080' }).messaging.messageIdDomain,
    'officine-mss.localhost',
  );
  const custom = loadConfig({
    MESSAGE_ID_DOMAIN: 'Officine.Example.FR',
    QUOTA_MESSAGES_PER_MINUTE: '2',
    QUOTA_MESSAGES_PER_DAY: '20',
    QUOTA_CONVERSATIONS_PER_DAY: '3',
    QUOTA_REFUSED_SENDS_PER_HOUR: '7',
  }).messaging;
  assert.deepEqual(custom, {
    messageIdDomain: 'officine.example.fr',
    quotas: { messagesPerMinute: 2, messagesPerDay: 20, conversationsPerDay: 3, refusedSendsPerHour: 7 },
  });
  assert.throws(() => loadConfig({ MESSAGE_ID_DOMAIN: 'not a domain' }), ConfigError);
  assert.throws(() => loadConfig({ QUOTA_MESSAGES_PER_DAY: '0' }), ConfigError);
});
