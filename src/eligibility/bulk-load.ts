import type { Store } from '../db/connect.ts';
import type { ImportRunTable } from '../db/schema.ts';

/**
 * Bulk loading of reimbursed dispensations into the eligibility index, in two phases:
 * rows are appended to an unindexed per-connection staging table (cheap, no lock on the index),
 * then one transaction folds them in — `max(date)` per (patient, pharmacy), upserted only where
 * it is newer — and records the import run. Re-importing a file therefore changes nothing, and a
 * crash before the merge leaves the index as it was.
 */
export interface DispensationBatch {
  matricules: string[];
  finess: string[];
  dates: string[];
}

export interface DispensationLoad {
  stage(batch: DispensationBatch): Promise<void>;
  /** Folds the staged rows into the index; returns how many (patient, pharmacy) pairs changed. */
  merge(run: Omit<ImportRunTable, 'pairs_changed'>): Promise<number>;
  /** Drops the staged rows (also after merge). */
  close(): Promise<void>;
}

const CREATE_STAGING =
  'create temp table dispensation_staging (matricule text not null, finess text not null, d text not null)';

export async function startDispensationLoad(store: Store): Promise<DispensationLoad> {
  return store.engine === 'sqlite' ? startSqliteLoad(store.sqlite) : startPostgresLoad(store.pool);
}

const runColumns =
  'id, kind, sha256, rows_read, rows_accepted, rows_rejected, rows_skipped, pairs_changed, started_at, finished_at';
const runValues = (run: Omit<ImportRunTable, 'pairs_changed'>, changed: number) => [
  run.id,
  run.kind,
  run.sha256,
  run.rows_read,
  run.rows_accepted,
  run.rows_rejected,
  run.rows_skipped,
  changed,
  run.started_at,
  run.finished_at,
];

function startSqliteLoad(sqlite: import('better-sqlite3').Database): DispensationLoad {
  sqlite.exec('drop table if exists temp.dispensation_staging');
  sqlite.exec(CREATE_STAGING);
  const insert = sqlite.prepare(
    'insert into temp.dispensation_staging (matricule, finess, d) values (?, ?, ?)',
  );
  const stageAll = sqlite.transaction((batch: DispensationBatch) => {
    for (let i = 0; i < batch.matricules.length; i++)
      insert.run(batch.matricules[i], batch.finess[i], batch.dates[i]);
  });
  const fold = sqlite.prepare(
    `insert into eligibility (matricule, finess, last_reimbursed_on)
     select matricule, finess, max(d) from temp.dispensation_staging where true group by matricule, finess
     on conflict (matricule, finess) do update set last_reimbursed_on = excluded.last_reimbursed_on
     where excluded.last_reimbursed_on > eligibility.last_reimbursed_on`,
  );
  const record = sqlite.prepare(
    `insert into import_runs (${runColumns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mergeAll = sqlite.transaction((run: Omit<ImportRunTable, 'pairs_changed'>) => {
    const changed = fold.run().changes;
    record.run(...runValues(run, changed));
    return changed;
  });
  return {
    async stage(batch) {
      stageAll(batch);
    },
    async merge(run) {
      return mergeAll(run);
    },
    async close() {
      sqlite.exec('drop table if exists temp.dispensation_staging');
    },
  };
}

async function startPostgresLoad(pool: import('pg').Pool): Promise<DispensationLoad> {
  const client = await pool.connect();
  try {
    await client.query('drop table if exists pg_temp.dispensation_staging');
    await client.query(CREATE_STAGING);
  } catch (error) {
    client.release(true);
    throw error;
  }
  let released = false;
  return {
    async stage(batch) {
      await client.query(
        'insert into dispensation_staging (matricule, finess, d) select * from unnest($1::text[], $2::text[], $3::text[])',
        [batch.matricules, batch.finess, batch.dates],
      );
    },
    async merge(run) {
      await client.query('begin');
      try {
        const folded = await client.query(
          `insert into eligibility (matricule, finess, last_reimbursed_on)
           select matricule, finess, max(d)::date from dispensation_staging group by matricule, finess
           on conflict (matricule, finess) do update set last_reimbursed_on = excluded.last_reimbursed_on
           where excluded.last_reimbursed_on > eligibility.last_reimbursed_on`,
        );
        const changed = folded.rowCount ?? 0;
        await client.query(
          `insert into import_runs (${runColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          runValues(run, changed),
        );
        await client.query('commit');
        return changed;
      } catch (error) {
        await client.query('rollback');
        throw error;
      }
    },
    async close() {
      if (released) return;
      released = true;
      try {
        await client.query('drop table if exists pg_temp.dispensation_staging');
        client.release();
      } catch (error) {
        client.release(true);
        throw error;
      }
    },
  };
}
