/**
 * The audit chain key of trails that tests build without an app (createAuditTrail directly, the
 * messaging fixture): `verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY })` checks them.
 */
export const TEST_CHAIN_KEY = Buffer.alloc(32, 0x5c);
