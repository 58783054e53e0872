import type { DatabaseTarget } from '../config.ts';
import { openStore } from '../db/connect.ts';
import { systemClock } from '../time/clock.ts';
import { readOrCreateChainKey } from './chain-key.ts';
import { createAuditTrail } from './chained-trail.ts';
import { readOrCreatePseudonymKey } from './pseudonym-key.ts';

/**
 * A separate server process for multi-process.test.ts: appends records to a shared store with its
 * own connections, using the key files of a shared DATA_DIR (created by whichever process gets there
 * first), and prints the pseudonym of a fixed matricule so the test can check that every process
 * ended up with the same key.
 */
const { database, keyFile, chainKeyFile, worker, records } = JSON.parse(process.argv[2] ?? '{}') as {
  database: DatabaseTarget;
  keyFile: string;
  chainKeyFile: string;
  worker: number;
  records: number;
};

const store = await openStore(database, { migrate: false });
try {
  // Start together: say "ready", then wait for the test's "go" on stdin.
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
  const audit = createAuditTrail(store, {
    key: () => readOrCreatePseudonymKey(keyFile),
    chainKey: () => readOrCreateChainKey(chainKeyFile),
    clock: systemClock,
  });
  const pseudonym = audit.patientPseudonym('175037512300512');
  await Promise.all(
    Array.from({ length: records }, (_, i) =>
      audit.record({
        actor: { kind: 'patient', pseudonym },
        action: 'test.append',
        target: `w${worker}-r${i}`,
        result: 'success',
      }),
    ),
  );
  process.stdout.write(`pseudonym ${pseudonym}\n`);
} finally {
  await store.close();
}
