import fs from 'node:fs';
import type { Store } from '../db/connect.ts';
import { DomainError } from '../domain-error.ts';
import { headerColumns } from '../import/csv-header.ts';
import { MALFORMED_LINE_MESSAGE, readCsvRows } from '../import/csv-lines.ts';
import { openErrorReport, type RowError } from '../import/error-report.ts';
import { openFileSource } from '../import/file-source.ts';
import type { Progress } from '../import/progress.ts';
import type { Clock } from '../time/clock.ts';
import { checkPharmacyRow, PHARMACY_COLUMNS, type PharmacyRecord } from './pharmacy-row.ts';
import { checkProfessionalRow, PROFESSIONAL_COLUMNS, type ProfessionalRecord } from './professional-row.ts';
import { createDirectoryStore } from './store.ts';

/**
 * `officine-mss import directory FILE`: a pharmacy file (FINESS-like, told apart by its
 * `nofinesset` column) or a professionals file (`rpps` column); see docs/formats.md.
 * Rows are written in transactions of `batchSize`; a bad row is reported and skipped.
 */
export type DirectoryFileKind = 'pharmacies' | 'professionals';

export interface DirectoryImportSummary {
  kind: DirectoryFileKind;
  rowsRead: number;
  rowsAccepted: number;
  /** Establishments of another category than 620. */
  rowsSkipped: number;
  rowsRejected: number;
  warnings: number;
  errorSample: readonly RowError[];
}

export interface DirectoryImportOptions {
  store: Store;
  clock: Clock;
  file: string;
  errorReportFile: string | null;
  progress?: Progress;
  batchSize?: number;
}

export function directoryFileKind(file: string): DirectoryFileKind {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(4096);
  const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
  fs.closeSync(fd);
  const columns = headerColumns(buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0] ?? '');
  if (columns.includes('nofinesset')) return 'pharmacies';
  if (columns.includes('rpps')) return 'professionals';
  throw new DomainError(
    'IMPORT_UNKNOWN_FORMAT',
    `Format de fichier non reconnu : l’en-tête doit contenir ${PHARMACY_COLUMNS.join(';')} (pharmacies) ou ${PROFESSIONAL_COLUMNS.join(';')} (professionnels).`,
  );
}

type Pending =
  | { line: number; pharmacy: PharmacyRecord }
  | { line: number; professional: ProfessionalRecord };

export async function importDirectory(options: DirectoryImportOptions): Promise<DirectoryImportSummary> {
  const { store, clock, progress } = options;
  const batchSize = options.batchSize ?? 500;
  const kind = directoryFileKind(options.file);
  const source = openFileSource(options.file);
  const report = openErrorReport(options.errorReportFile);
  const summary = { kind, rowsRead: 0, rowsAccepted: 0, rowsSkipped: 0, warnings: 0 };
  let pending: Pending[] = [];

  const flush = async () => {
    const now = clock.now().toISOString();
    const rejected: RowError[] = [];
    await store.db.transaction().execute(async (trx) => {
      const directory = createDirectoryStore(trx);
      for (const item of pending) {
        try {
          if ('pharmacy' in item) await directory.savePharmacy(item.pharmacy, now);
          else await directory.saveProfessional(item.professional, now);
          summary.rowsAccepted += 1;
        } catch (error) {
          // Rows are checked before they are written, so only domain rules fail here; a failed
          // statement would abort a PostgreSQL transaction, so none is attempted.
          if (!(error instanceof DomainError)) throw error;
          rejected.push({ line: item.line, code: error.code, message: error.message });
        }
      }
    });
    for (const r of rejected) report.add(r);
    pending = [];
    progress?.update(source.bytesRead(), summary.rowsRead);
  };

  try {
    const batches = readCsvRows(source.stream, {
      requiredColumns: kind === 'pharmacies' ? PHARMACY_COLUMNS : PROFESSIONAL_COLUMNS,
    });
    for await (const { columns, lines, rows } of batches) {
      for (let i = 0; i < rows.length; i++) {
        const line = lines[i] as number;
        const fields = rows[i];
        summary.rowsRead += 1;
        if (!fields) {
          report.add({ line, code: 'MALFORMED_LINE', message: MALFORMED_LINE_MESSAGE });
          continue;
        }
        const get = (column: string) => fields[columns.get(column) ?? -1] ?? '';
        if (kind === 'pharmacies') {
          const row = checkPharmacyRow(get);
          if (row.kind === 'skipped') summary.rowsSkipped += 1;
          else if (row.kind === 'error') report.add({ line, ...row.error });
          else {
            summary.warnings += row.warnings.length;
            pending.push({ line, pharmacy: row.record });
          }
        } else {
          const row = checkProfessionalRow(get);
          if (!row.ok) report.add({ line, ...row.error });
          else pending.push({ line, professional: row.record });
        }
        if (pending.length >= batchSize) await flush();
      }
    }
    if (pending.length > 0) await flush();
    return { ...summary, rowsRejected: report.count, errorSample: report.sample };
  } finally {
    progress?.done();
    source.close();
    await report.close();
  }
}
