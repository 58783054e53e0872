import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DomainError } from '../domain-error.ts';

/**
 * Streams the records of a `;`-separated UTF-8 CSV file with a header row. Each record comes
 * with its 1-based line number in the file (for error reports) and is read by column name.
 * A record the CSV grammar rejects (unbalanced quote, …) is reported through `onMalformed`
 * and the stream goes on.
 */
export interface CsvRecord {
  line: number;
  get(column: string): string;
}

export interface CsvReadOptions {
  requiredColumns: readonly string[];
  onMalformed(line: number, message: string): void;
}

export async function* readCsvRecords(input: Readable, options: CsvReadOptions): AsyncGenerator<CsvRecord> {
  const parser = input.pipe(
    parse({
      delimiter: ';',
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      info: true,
      on_skip: (error) => {
        options.onMalformed(Number(error?.lines ?? 0), 'Ligne CSV mal formée (guillemets ou séparateurs).');
        return undefined;
      },
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let columns: Map<string, number> | null = null;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    if (columns === null) {
      columns = headerIndex(record, options.requiredColumns);
      continue;
    }
    const index = columns;
    yield { line: info.lines, get: (column) => record[index.get(column) ?? -1] ?? '' };
  }
  if (columns === null)
    throw new DomainError('IMPORT_EMPTY_FILE', 'Le fichier est vide : aucune ligne d’en-tête.');
}

/** The index of each column of a header row (names trimmed, lower-cased); throws IMPORT_BAD_HEADER when one is missing. */
export function headerIndex(header: readonly string[], required: readonly string[]): Map<string, number> {
  const index = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
  const missing = required.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new DomainError(
      'IMPORT_BAD_HEADER',
      `Colonnes manquantes dans l’en-tête : ${missing.join(', ')} (attendu : ${required.join(';')}).`,
      { missing },
    );
  }
  return index;
}

/** The lower-cased column names of a file's header line, to tell file formats apart. */
export function headerColumns(firstLine: string): string[] {
  return firstLine
    .replace(/^\uFEFF/, '')
    .split(';')
    .map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
}
