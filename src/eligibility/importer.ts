import { v7 as uuidv7 } from 'uuid';
import type { Store } from '../db/connect.ts';
import { readCsvRecords } from '../import/csv-records.ts';
import { openErrorReport, type RowError } from '../import/error-report.ts';
import { openFileSource } from '../import/file-source.ts';
import type { Progress } from '../import/progress.ts';
import type { Clock } from '../time/clock.ts';
import { localDate } from '../time/local-date.ts';
import { type DispensationBatch, startDispensationLoad } from './bulk-load.ts';
import { checkDispensationRow, DISPENSATION_COLUMNS } from './dispensation-row.ts';

/**
 * Streams a dispensation file into the eligibility index (see bulk-load.ts for the two phases).
 * Bad rows go to the error report with their line and reason, and the import goes on.
 * Rows not reimbursed are valid but do not count for eligibility: they are skipped.
 */
export interface DispensationImportSummary {
  importId: string;
  sha256: string;
  rowsRead: number;
  /** Reimbursed, valid rows folded into the index. */
  rowsAccepted: number;
  /** Valid rows of dispensations that were not reimbursed. */
  rowsSkipped: number;
  rowsRejected: number;
  /** (patient, pharmacy) pairs whose latest reimbursed date changed: 0 when re-importing a file. */
  pairsChanged: number;
  errorSample: readonly RowError[];
}

export interface DispensationImportOptions {
  store: Store;
  clock: Clock;
  file: string;
  /** Where to write rejected rows (`ligne;code;motif`); null to only count them. */
  errorReportFile: string | null;
  progress?: Progress;
  batchSize?: number;
}

export async function importDispensations(
  options: DispensationImportOptions,
): Promise<DispensationImportSummary> {
  const { store, clock, progress } = options;
  const batchSize = options.batchSize ?? 10_000;
  const startedAt = clock.now();
  const today = localDate(startedAt);
  const source = openFileSource(options.file);
  const report = openErrorReport(options.errorReportFile);
  const load = await startDispensationLoad(store);
  let rowsRead = 0;
  let rowsAccepted = 0;
  let rowsSkipped = 0;
  let batch: DispensationBatch = { matricules: [], finess: [], dates: [] };
  try {
    const records = readCsvRecords(source.stream, {
      requiredColumns: DISPENSATION_COLUMNS,
      onMalformed: (line, message) => {
        rowsRead += 1;
        report.add({ line, code: 'MALFORMED_LINE', message });
      },
    });
    for await (const record of records) {
      rowsRead += 1;
      const row = checkDispensationRow(record.get, today);
      if (!row.ok) {
        report.add({ line: record.line, ...row.error });
      } else if (!row.reimbursed) {
        rowsSkipped += 1;
      } else {
        rowsAccepted += 1;
        batch.matricules.push(row.matricule);
        batch.finess.push(row.finess);
        batch.dates.push(row.date);
        if (batch.matricules.length >= batchSize) {
          await load.stage(batch);
          batch = { matricules: [], finess: [], dates: [] };
          progress?.update(source.bytesRead(), rowsRead);
        }
      }
    }
    if (batch.matricules.length > 0) await load.stage(batch);
    progress?.update(source.bytesRead(), rowsRead);
    progress?.phase('Intégration dans l’index d’éligibilité…');
    const importId = uuidv7();
    const sha256 = source.sha256();
    const pairsChanged = await load.merge({
      id: importId,
      kind: 'dispensations',
      sha256,
      rows_read: rowsRead,
      rows_accepted: rowsAccepted,
      rows_rejected: report.count,
      rows_skipped: rowsSkipped,
      started_at: startedAt.toISOString(),
      finished_at: clock.now().toISOString(),
    });
    return {
      importId,
      sha256,
      rowsRead,
      rowsAccepted,
      rowsSkipped,
      rowsRejected: report.count,
      pairsChanged,
      errorSample: report.sample,
    };
  } finally {
    progress?.done();
    source.close();
    await load.close();
    await report.close();
  }
}
