import { v7 as uuidv7 } from 'uuid';
import type { Store } from '../db/connect.ts';
import { MALFORMED_LINE_MESSAGE, readCsvRows } from '../import/csv-lines.ts';
import { openErrorReport, type RowError } from '../import/error-report.ts';
import { openFileSource } from '../import/file-source.ts';
import type { Progress } from '../import/progress.ts';
import type { Clock } from '../time/clock.ts';
import { localDate } from '../time/local-date.ts';
import { type DispensationBatch, startDispensationLoad } from './bulk-load.ts';
import { checkDispensation, DISPENSATION_COLUMNS } from './dispensation-row.ts';

/**
 * Streams a dispensation file into the eligibility index (see bulk-load.ts for the two phases).
 * Lines are read by the line-oriented fast reader (csv-lines.ts): one line, one row.
 * Bad rows go to the error report with their line and reason, in line order, and the import goes on.
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
    const batches = readCsvRows(source.stream, { requiredColumns: DISPENSATION_COLUMNS });
    for await (const { columns, lines, rows } of batches) {
      // The header has every column (readCsvRows checks it); -1 only reads as an empty field.
      const at = (column: (typeof DISPENSATION_COLUMNS)[number]) => columns.get(column) ?? -1;
      const [nirAt, finessAt, dateAt, flagAt, amountAt] = [
        at('nir'),
        at('finess'),
        at('date_dispensation'),
        at('rembourse'),
        at('montant'),
      ];
      for (let i = 0; i < rows.length; i++) {
        rowsRead += 1;
        const fields = rows[i];
        if (!fields) {
          report.add({ line: lines[i] as number, code: 'MALFORMED_LINE', message: MALFORMED_LINE_MESSAGE });
          continue;
        }
        const row = checkDispensation(
          fields[nirAt] ?? '',
          fields[finessAt] ?? '',
          fields[dateAt] ?? '',
          fields[flagAt] ?? '',
          fields[amountAt] ?? '',
          today,
        );
        if (!row.ok) {
          report.add({ line: lines[i] as number, ...row.error });
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
