import path from 'node:path';
import { createAuditTrail } from './audit/chained-trail.ts';
import { PSEUDONYM_KEY_FILE, readOrCreatePseudonymKey } from './audit/pseudonym-key.ts';
import type { AuditTrail } from './audit/trail.ts';
import { type ApiCredentialService, createApiCredentialService } from './auth/api-credentials.ts';
import type { Config } from './config.ts';
import { openStore, type Store } from './db/connect.ts';
import { createDirectoryStore, type DirectoryStore } from './directory/store.ts';
import { createEligibilityService, type EligibilityService } from './eligibility/service.ts';
import { createEligibilityStore } from './eligibility/store.ts';
import { type Clock, systemClock } from './time/clock.ts';

/**
 * The composition root: opens the store and wires every capability to its ports.
 * Nothing here is global; tests build as many apps as they like.
 */
export interface App {
  config: Config;
  clock: Clock;
  store: Store;
  directory: DirectoryStore;
  eligibility: EligibilityService;
  audit: AuditTrail;
  apiCredentials: ApiCredentialService;
  close(): Promise<void>;
}

export async function createApp(config: Config, deps: { clock?: Clock; store?: Store } = {}): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const store = deps.store ?? (await openStore(config.database));
  const audit = createAuditTrail(store, {
    // Without AUDIT_PSEUDONYM_KEY, the key file is read or created on first use.
    key:
      config.auditPseudonymKey ??
      (() => readOrCreatePseudonymKey(path.join(config.dataDir, PSEUDONYM_KEY_FILE))),
    clock,
  });
  return {
    config,
    clock,
    store,
    directory: createDirectoryStore(store.db),
    eligibility: createEligibilityService({
      store: createEligibilityStore(store),
      clock,
      windowMonths: config.eligibilityWindowMonths,
    }),
    audit,
    apiCredentials: createApiCredentialService({ store, audit, clock }),
    close: () => store.close(),
  };
}
