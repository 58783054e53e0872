import os from 'node:os';
import type { Store } from '../db/connect.ts';
import type { ImportRunTable } from '../db/schema.ts';

/**
 * Bulk loading of reimbursed dispensations into the eligibility index, in two phases:
 * rows are appended to an unindexed per-connection staging table (cheap, no lock on the index),
 * then one transaction folds them in — `max(date)` per (patient, pharmacy), written only where
 * it is newer — and records the import run. The per-pair maximum first goes to a second temp
 * table, and the index receives it in key order (SQLite: sorted, then upserted; PostgreSQL:
 * newer dates updated, then the missing pairs inserted sorted — see startPostgresLoad).
 * Re-importing a file therefore changes nothing, and a crash before the merge leaves the index
 * as it was.
 */
export interface DispensationBatch {
  matricules: string[];
  finess: string[];
  dates: string[];
}

export interface DispensationLoad {
  /**
   * Appends rows to the staging table. The batch's arrays must not change afterwards: PostgreSQL
   * may still be sending them while the caller prepares the next batch.
   */
  stage(batch: DispensationBatch): Promise<void>;
  /** Folds the staged rows into the index; returns how many (patient, pharmacy) pairs changed. */
  merge(run: Omit<ImportRunTable, 'pairs_changed'>): Promise<number>;
  /** Drops the staged rows (also after merge). */
  close(): Promise<void>;
}

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

/** Rows per staging insert statement: one call into SQLite per hundred rows, not per row. */
const ROWS_PER_INSERT = 100;
/**
 * Memory for the merge's sort, in KiB. SQLite's sorter sorts runs as large as the main page
 * cache, then merges them: with a large cache (256 MiB, as the benchmark sets) it is one big
 * in-memory sort with poor locality. Runs of a few MiB sort faster, and with `threads` they are
 * sorted in background threads while the next run is read: on 1 M rows, 0.3 s instead of 0.7 s.
 * The cache size is lowered for that one statement only (which drops the cached pages).
 */
const SORT_CACHE_KIB = 4096;
const SORT_THREADS = Math.min(4, Math.max(1, os.availableParallelism() - 1));

function startSqliteLoad(sqlite: import('better-sqlite3').Database): DispensationLoad {
  sqlite.exec('drop table if exists temp.dispensation_staging');
  sqlite.exec('drop table if exists temp.dispensation_pairs');
  sqlite.exec(
    'create temp table dispensation_staging (matricule text not null, finess text not null, d text not null)',
  );
  const insertOne = sqlite.prepare(
    'insert into temp.dispensation_staging (matricule, finess, d) values (?, ?, ?)',
  );
  const insertMany = sqlite.prepare(
    `insert into temp.dispensation_staging (matricule, finess, d) values ${'(?, ?, ?), '.repeat(ROWS_PER_INSERT - 1)}(?, ?, ?)`,
  );
  const params: string[] = new Array(ROWS_PER_INSERT * 3);
  const stageAll = sqlite.transaction(({ matricules, finess, dates }: DispensationBatch) => {
    const n = matricules.length;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
      for (let j = 0, k = 0; j < ROWS_PER_INSERT; j++) {
        params[k++] = matricules[i + j] as string;
        params[k++] = finess[i + j] as string;
        params[k++] = dates[i + j] as string;
      }
      insertMany.run(params);
    }
    for (; i < n; i++) insertOne.run(matricules[i], finess[i], dates[i]);
  });
  // The latest date per pair, sorted, into a second temp table: the index gets them in key order.
  const sortPairs = () => {
    const cacheSize = sqlite.pragma('cache_size', { simple: true }) as number;
    const threads = sqlite.pragma('threads', { simple: true }) as number;
    sqlite.pragma(`cache_size = -${SORT_CACHE_KIB}`);
    sqlite.pragma(`threads = ${SORT_THREADS}`);
    try {
      sqlite.exec(
        `create temp table dispensation_pairs as
         select matricule, finess, max(d) as d from temp.dispensation_staging group by matricule, finess`,
      );
    } finally {
      sqlite.pragma(`cache_size = ${cacheSize}`);
      sqlite.pragma(`threads = ${threads}`);
    }
  };
  const record = sqlite.prepare(
    `insert into import_runs (${runColumns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mergeAll = sqlite.transaction((run: Omit<ImportRunTable, 'pairs_changed'>) => {
    // Prepared here: the pairs table only exists once sortPairs has run.
    const changed = sqlite
      .prepare(
        `insert into eligibility (matricule, finess, last_reimbursed_on)
         select matricule, finess, d from temp.dispensation_pairs where true
         on conflict (matricule, finess) do update set last_reimbursed_on = excluded.last_reimbursed_on
         where excluded.last_reimbursed_on > eligibility.last_reimbursed_on`,
      )
      .run().changes;
    record.run(...runValues(run, changed));
    return changed;
  });
  return {
    async stage(batch) {
      stageAll(batch);
    },
    async merge(run) {
      sortPairs();
      return mergeAll(run);
    },
    async close() {
      sqlite.exec('drop table if exists temp.dispensation_staging');
      sqlite.exec('drop table if exists temp.dispensation_pairs');
    },
  };
}

async function startPostgresLoad(pool: import('pg').Pool): Promise<DispensationLoad> {
  const client = await pool.connect();
  try {
    await client.query('drop table if exists pg_temp.dispensation_staging');
    await client.query(
      'create temp table dispensation_staging (matricule text not null, finess text not null, d date not null)',
    );
  } catch (error) {
    client.release(true);
    throw error;
  }
  let released = false;
  // One staging insert in flight: the server stores a batch while the importer parses the next.
  // A failure surfaces at the next stage() or at merge(), and every call after it fails too: a
  // load that lost a batch must never merge.
  let inFlight: Promise<unknown> | null = null;
  let failure: { error: unknown } | null = null;
  const settle = async () => {
    const pending = inFlight;
    inFlight = null;
    if (pending) await pending;
  };
  return {
    async stage(batch) {
      if (failure) throw failure.error;
      const previous = inFlight;
      // Each column travels as one newline-joined string split by the server: far cheaper than
      // pg's quoting of every array element. Values are checked identifiers and ISO dates, never
      // a newline; if one ever held a newline, the columns would differ in length and unnest's
      // null padding would fail the not-null constraints: an error, never a shifted row.
      const pending = client.query(
        `insert into dispensation_staging (matricule, finess, d)
         select * from unnest(string_to_array($1, E'\\n'), string_to_array($2, E'\\n'), string_to_array($3, E'\\n')::date[])`,
        [batch.matricules.join('\n'), batch.finess.join('\n'), batch.dates.join('\n')],
      );
      // Observed here so that a failure is never unhandled; awaited (and thrown) below or later.
      pending.catch((error: unknown) => {
        failure ??= { error };
      });
      inFlight = pending;
      if (previous) await previous;
    },
    async merge(run) {
      await settle();
      if (failure) throw failure.error;
      await client.query('begin');
      try {
        // Every other writer waits (imports merge one at a time); readers are never blocked. With
        // no concurrent writer, a plain update then an insert of the missing pairs is safe, and
        // over twice as fast as `insert … on conflict`, which checks for a conflict row by row.
        await client.query('lock table eligibility in share row exclusive mode');
        await client.query(
          `create temp table dispensation_pairs on commit drop as
           select matricule, finess, max(d) as d from dispensation_staging group by matricule, finess`,
        );
        // Temp tables get no autovacuum: without statistics, the joins below are planned blind.
        await client.query('analyze dispensation_pairs');
        const updated = await client.query(
          `update eligibility e set last_reimbursed_on = p.d
           from dispensation_pairs p
           where e.matricule = p.matricule and e.finess = p.finess and p.d > e.last_reimbursed_on`,
        );
        // In key order: the primary-key B-tree grows at its right edge instead of at random pages.
        const inserted = await client.query(
          `insert into eligibility (matricule, finess, last_reimbursed_on)
           select matricule, finess, d from dispensation_pairs p
           where not exists (select 1 from eligibility e where e.matricule = p.matricule and e.finess = p.finess)
           order by matricule, finess`,
        );
        const changed = (updated.rowCount ?? 0) + (inserted.rowCount ?? 0);
        await client.query(
          `insert into import_runs (${runColumns}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          runValues(run, changed),
        );
        await client.query('commit');
        // Fresh planner statistics after a bulk change: without them PostgreSQL may plan the
        // patient's pharmacy list as a scan of the directory instead of index lookups.
        if (changed > 0) await client.query('analyze eligibility');
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
        await settle().catch(() => {});
        await client.query('drop table if exists pg_temp.dispensation_staging');
        client.release();
      } catch (error) {
        client.release(true);
        throw error;
      }
    },
  };
}
