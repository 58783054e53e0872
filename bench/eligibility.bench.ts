/**
 * `npm run bench`: the eligibility index at scale, on SQLite and PostgreSQL.
 *
 * 1. Import throughput: `importDispensations` on a generated file (default 2,000,000 rows) versus
 *    a baseline measured in the same run on the same engine: plain inserts of the same
 *    (already parsed) reimbursed rows into an unindexed table, then the index built after the load.
 *    SQLite baseline: one prepared statement in 10,000-row transactions. PostgreSQL baseline:
 *    `insert … select from unnest(…)` in 10,000-row batches (faster than row-by-row prepared
 *    inserts, so a stricter baseline).
 * 2. Lookup latency: the service's "pharmacies this patient may write to" over random patients
 *    (default 10,000) versus a bare indexed lookup of the same rows (`select … where matricule = ?`),
 *    interleaved patient by patient (bench/stats.ts pairedLatency), so that page-cache warmth and
 *    background activity fall on both alike.
 *
 * Goals: import ≥ 60 % of the baseline rate; service p99 ≤ 3 × bare p99.
 * Options: --rows N, --lookups N, --engine sqlite|postgres|both. Writes bench/results/eligibility.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { patientMatricule, pharmacyFiness, writeDispensationFile } from '../src/demo/scale-file.ts';
import { importDispensations } from '../src/eligibility/importer.ts';
import { createEligibilityService } from '../src/eligibility/service.ts';
import { createEligibilityStore } from '../src/eligibility/store.ts';
import { fixedClock } from '../src/time/clock.ts';
import { localDate } from '../src/time/local-date.ts';
import { openTestStore, type TestStore } from '../test/helpers/test-store.ts';
import { startThrowawayPostgres } from '../test/helpers/throwaway-postgres.ts';
import { pairedLatency } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    lookups: { type: 'string', default: '10000' },
    engine: { type: 'string', default: 'both' },
  },
});
const ROWS = Number(args.rows);
const LOOKUPS = Number(args.lookups);
const PATIENTS = Math.max(1, Math.floor(ROWS / 5));
const PHARMACIES = 20_500;
const SEED = 1;
const clock = fixedClock(new Date());
const today = localDate(clock.now());
const root = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-bench-'));
const file = path.join(work, 'dispensations.csv');

const nf = new Intl.NumberFormat('en-US');
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Rows {
  matricules: string[];
  finess: string[];
  dates: string[];
}

/** The reimbursed rows of our own generated file (no quoting there), parsed for the baseline. */
function readReimbursedRows(): Rows {
  const rows: Rows = { matricules: [], finess: [], dates: [] };
  const text = fs.readFileSync(file, 'utf8');
  let start = text.indexOf('\n') + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const [nir, finess, date, flag] = text.slice(start, end).split(';');
    if (flag === 'O' && nir && finess && date) {
      rows.matricules.push(nir);
      rows.finess.push(finess);
      rows.dates.push(date);
    }
    start = end + 1;
  }
  return rows;
}

async function loadDirectory(store: TestStore) {
  const now = clock.now().toISOString();
  for (let from = 0; from < PHARMACIES; from += 500) {
    const batch = Array.from({ length: Math.min(500, PHARMACIES - from) }, (_, i) =>
      pharmacyFiness(from + i),
    );
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('pharmacies')
        .values(
          batch.map((finess) => ({
            finess,
            legal_finess: null,
            name: `Pharmacie ${finess}`,
            address: '1 rue de la République',
            postcode: '75001',
            city: 'Paris',
            departement: finess.slice(0, 2),
            phone: null,
            opening_hours: null,
            updated_at: now,
          })),
        )
        .execute();
      await trx
        .insertInto('mailboxes')
        .values(
          batch.map((finess, i) => ({
            id: uuidv7(),
            address: `officine.${finess}@pharmacie.mssante.fr`,
            kind: 'ORG' as const,
            pharmacy_finess: finess,
            // One pharmacy in ten is on the liste rouge.
            published: (from + i) % 10 === 0 ? 0 : 1,
            description: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    });
  }
}

/**
 * The file's rows are parsed here (untimed) and dropped on return: five million strings held
 * during the import or the lookups would slow their garbage collection.
 */
async function baselineInsert(store: TestStore): Promise<{ rows: number; seconds: number }> {
  const rows = readReimbursedRows();
  const n = rows.matricules.length;
  const started = performance.now();
  if (store.engine === 'sqlite') {
    const db = store.sqlite;
    db.exec('create table baseline (matricule text not null, finess text not null, d text not null)');
    const insert = db.prepare('insert into baseline values (?, ?, ?)');
    const chunk = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insert.run(rows.matricules[i], rows.finess[i], rows.dates[i]);
    });
    for (let from = 0; from < n; from += 10_000) chunk(from, Math.min(n, from + 10_000));
    db.exec('create index baseline_idx on baseline (matricule, finess)');
  } else {
    await sql`create table baseline (matricule text not null, finess text not null, d date not null)`.execute(
      store.db,
    );
    for (let from = 0; from < n; from += 10_000) {
      const to = Math.min(n, from + 10_000);
      await store.pool.query(
        'insert into baseline select * from unnest($1::text[], $2::text[], $3::date[])',
        [rows.matricules.slice(from, to), rows.finess.slice(from, to), rows.dates.slice(from, to)],
      );
    }
    await sql`create index baseline_idx on baseline (matricule, finess)`.execute(store.db);
  }
  return { rows: n, seconds: (performance.now() - started) / 1000 };
}

async function benchEngine(engine: 'sqlite' | 'postgres') {
  log(`\n— ${engine} —`);
  const store = await openTestStore();
  try {
    await loadDirectory(store);
    if (store.engine === 'sqlite') store.sqlite.pragma('cache_size = -262144');
    // Autovacuum analyzes the directory after a real `import directory`; here the import follows
    // at once, so the statistics are gathered now (only the join fallback and history use them).
    else await sql`analyze pharmacies, mailboxes`.execute(store.db);

    const t0 = performance.now();
    const summary = await importDispensations({ store, clock, file, errorReportFile: null });
    const importSeconds = (performance.now() - t0) / 1000;
    if (summary.rowsRejected > 0) throw new Error(`generated file had ${summary.rowsRejected} rejected rows`);
    const importRate = summary.rowsRead / importSeconds;
    log(
      `import     ${nf.format(summary.rowsRead)} rows in ${importSeconds.toFixed(1)} s = ${nf.format(Math.round(importRate))} rows/s`,
    );

    const { rows: baselineRows, seconds: baselineSeconds } = await baselineInsert(store);
    // Not needed any more; on PostgreSQL its autovacuum would otherwise run during the lookups.
    await sql`drop table baseline`.execute(store.db);
    const baselineRate = summary.rowsRead / baselineSeconds;
    log(
      `baseline   ${nf.format(baselineRows)} inserts + index in ${baselineSeconds.toFixed(1)} s = ${nf.format(Math.round(baselineRate))} rows/s of the file`,
    );

    const service = createEligibilityService({
      store: createEligibilityStore(store),
      clock,
      windowMonths: 12,
    });
    const patients = Array.from({ length: LOOKUPS }, (_, i) => patientMatricule((i * 7919) % PATIENTS, SEED));
    let found = 0;
    const serviceLookup = async (m: string) => {
      found += (await service.writablePharmacies(m, today)).length;
    };
    let bareFound = 0;
    let bare: (m: string) => unknown;
    if (store.engine === 'sqlite') {
      const stmt = store.sqlite.prepare(
        'select finess, last_reimbursed_on from eligibility where matricule = ?',
      );
      bare = (m) => {
        bareFound += stmt.all(m).length;
      };
    } else {
      const pool = store.pool;
      bare = async (m) => {
        const r = await pool.query({
          name: 'bare',
          text: 'select finess, last_reimbursed_on from eligibility where matricule = $1',
          values: [m],
        });
        bareFound += r.rowCount ?? 0;
      };
    }
    const measured = await pairedLatency(patients, serviceLookup, bare);
    const [serviceLatency, bareLatency] = [measured.a, measured.b];
    log(
      `lookup     service p50 ${serviceLatency.p50.toFixed(0)} µs, p99 ${serviceLatency.p99.toFixed(0)} µs (${nf.format(found)} pharmacies listed)`,
    );
    log(
      `           bare    p50 ${bareLatency.p50.toFixed(0)} µs, p99 ${bareLatency.p99.toFixed(0)} µs (${nf.format(bareFound)} rows read)`,
    );

    const importRatio = importRate / baselineRate;
    const lookupRatio = serviceLatency.p99 / bareLatency.p99;
    log(
      `ratios     import/baseline ${importRatio.toFixed(2)} (goal ≥ 0.60: ${importRatio >= 0.6 ? 'met' : 'MISSED'}), service p99/bare p99 ${lookupRatio.toFixed(2)} (goal ≤ 3: ${lookupRatio <= 3 ? 'met' : 'MISSED'})`,
    );
    return {
      import: {
        rows: summary.rowsRead,
        seconds: importSeconds,
        rowsPerSecond: importRate,
        pairsChanged: summary.pairsChanged,
      },
      baseline: { rows: baselineRows, seconds: baselineSeconds, fileRowsPerSecond: baselineRate },
      importRatio,
      lookup: { lookups: LOOKUPS, service: serviceLatency, bare: bareLatency, p99Ratio: lookupRatio },
      goals: {
        importRatioMin: 0.6,
        lookupP99RatioMax: 3,
        importMet: importRatio >= 0.6,
        lookupMet: lookupRatio <= 3,
      },
    };
  } finally {
    await store.dispose();
  }
}

log(
  `Generating ${nf.format(ROWS)} dispensations (${nf.format(PATIENTS)} patients, ${nf.format(PHARMACIES)} pharmacies)…`,
);
await writeDispensationFile(file, {
  rows: ROWS,
  seed: SEED,
  patients: PATIENTS,
  pharmacies: PHARMACIES,
  today,
});
const results: Record<string, unknown> = {};
try {
  if (args.engine !== 'postgres') results.sqlite = await benchEngine('sqlite');
  if (args.engine !== 'sqlite') {
    const server = process.env.TEST_DATABASE_URL ? null : await startThrowawayPostgres();
    if (server) process.env.TEST_DATABASE_URL = server.url;
    try {
      results.postgres = await benchEngine('postgres');
    } finally {
      server?.stop();
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
const out = path.join(root, 'bench', 'results', 'eligibility.json');
fs.writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows: ROWS, patients: PATIENTS, pharmacies: PHARMACIES, results }, null, 2)}\n`,
);
log(`\nResults written to ${path.relative(root, out)}`);
