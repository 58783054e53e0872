import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../engine.ts';
import { foundation } from './001_foundation.ts';
import { audit } from './002_audit.ts';
import { auth } from './003_auth.ts';
import { apiCredentials } from './004_api_credentials.ts';
import { messaging } from './005_messaging.ts';
import { blobIndexes } from './006_blob_indexes.ts';
import { auditKeyedChain } from './007_audit_keyed_chain.ts';
import { smtpIn } from './008_smtp_in.ts';
import { sessionIdentityOnly } from './009_session_identity_only.ts';
import { credentialConfirmation } from './010_credential_confirmation.ts';

/** Versioned migrations, in order. Never edit a released one: add the next. */
export function migrationProvider(engine: Engine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001_foundation': foundation(engine),
    '002_audit': audit(engine),
    '003_auth': auth(engine),
    '004_api_credentials': apiCredentials(engine),
    '005_messaging': messaging(engine),
    '006_blob_indexes': blobIndexes(),
    '007_audit_keyed_chain': auditKeyedChain(engine),
    '008_smtp_in': smtpIn(engine),
    '009_session_identity_only': sessionIdentityOnly(),
    '010_credential_confirmation': credentialConfirmation(engine),
  };
  return { getMigrations: async () => migrations };
}
