import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsv } from 'csv-parse/sync';
import { DomainError } from '../domain-error.ts';
import { headerIndex } from './csv-header.ts';

/**
 * The reader of every import file: line-oriented `;`-separated UTF-8 CSV with a header row,
 * fast enough for national-scale dispensation files. One record per line, so a quoted field may not span lines. The bytes are
 * split on line ends here (LF or CRLF; CR alone when the file's first line ends so, as csv-parse
 * does), a line without `"` is split on `;`, and only lines with a quote go through a small
 * unquoter or, for the odd forms it leaves, csv-parse itself. Fields are trimmed as csv-parse's
 * `trim` option does. Empty lines are skipped but counted, so line numbers are the file's.
 *
 * Rows come in batches (one per chunk read) to keep the per-row cost to the parsing itself.
 * Memory stays bounded: a chunk, one batch and a partial line at a time; a line longer than
 * `maxLineLength` is not kept but reported as malformed.
 */
export interface CsvRowBatch {
  /** The header's lower-cased, trimmed column names → index in a row's fields. */
  columns: ReadonlyMap<string, number>;
  /** The 1-based line number in the file of each entry of `rows`. */
  lines: number[];
  /** Each line's fields, or null for a line the CSV grammar rejects (unbalanced quote, …). */
  rows: (string[] | null)[];
}

export interface CsvRowsOptions {
  requiredColumns: readonly string[];
  /** In characters; default 1 MiB. */
  maxLineLength?: number;
}

export const MALFORMED_LINE_MESSAGE = 'Ligne CSV mal formée (guillemets ou séparateurs).';

const DEFAULT_MAX_LINE_LENGTH = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const SEMICOLON = 59;
const SPACE = 32;
const DEL = 127;
/** The characters csv-parse's `trim` drops at the start of a field (it uses `trimEnd` at the end). */
const LEADING_TRIM = /^[\t\n\f\r ]+/;
const BLANK_LINE = /^[\t\f\r ]*$/;

export async function* readCsvRows(
  input: AsyncIterable<Buffer | string>,
  options: CsvRowsOptions,
): AsyncGenerator<CsvRowBatch> {
  const lines = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  let columns: Map<string, number> | null = null;
  let batch: CsvRowBatch | null = null;
  const onLine = (text: string | null, line: number) => {
    // Empty (or blank) lines are skipped, as csv-parse's skip_empty_lines with trim does.
    if (text !== null && (text.length === 0 || (text.charCodeAt(0) <= SPACE && BLANK_LINE.test(text))))
      return;
    const fields = text === null ? null : splitCsvLine(text, lines.separator);
    if (columns === null) {
      columns = headerIndex(fields ?? [], options.requiredColumns);
      return;
    }
    if (batch === null) batch = { columns, lines: [], rows: [] };
    batch.lines.push(line);
    batch.rows.push(fields);
  };
  for await (const chunk of input) {
    lines.push(chunk, onLine);
    if (batch !== null) {
      yield batch;
      batch = null;
    }
  }
  lines.end(onLine);
  if (batch !== null) yield batch;
  if (columns === null)
    throw new DomainError('IMPORT_EMPTY_FILE', 'Le fichier est vide : aucune ligne d’en-tête.');
}

/**
 * Cuts decoded text into lines, across chunk boundaries (including a UTF-8 character cut in
 * two), without the line end and without the leading BOM. Calls `onLine(null, n)` for a line
 * longer than the limit, whose content is dropped as it streams by.
 */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private started = false;
  private skipping = false;
  private line = 0;
  /** The line end, decided by the first one in the file: `\n` (LF or CRLF) or `\r` (CR alone). */
  separator: '\n' | '\r' | null = null;

  constructor(private readonly maxLineLength: number) {}

  push(chunk: Buffer | string, onLine: (text: string | null, line: number) => void): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.split(this.pending + text, false, onLine);
  }

  end(onLine: (text: string | null, line: number) => void): void {
    this.split(this.pending + this.decoder.end(), true, onLine);
    if (this.pending.length > 0 || this.skipping) {
      this.line += 1;
      onLine(this.skipping ? null : this.pending, this.line);
      this.pending = '';
      this.skipping = false;
    }
  }

  private split(text: string, final: boolean, onLine: (text: string | null, line: number) => void): void {
    this.pending = '';
    if (this.separator === null && !this.detect(text, final)) {
      this.keep(text, 0);
      return;
    }
    const separator = this.separator === '\r' ? '\r' : '\n';
    const stripCr = separator === '\n';
    let start = 0;
    for (;;) {
      const end = text.indexOf(separator, start);
      if (end < 0) break;
      this.line += 1;
      if (this.skipping) {
        this.skipping = false;
        onLine(null, this.line);
      } else if (end - start > this.maxLineLength) {
        onLine(null, this.line);
      } else {
        const last = stripCr && end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        onLine(text.slice(start, last), this.line);
      }
      start = end + 1;
    }
    this.keep(text, start);
  }

  /** Keeps the unfinished last line, or starts skipping it when it is already too long. */
  private keep(text: string, start: number): void {
    if (this.skipping) return;
    if (text.length - start > this.maxLineLength) this.skipping = true;
    else this.pending = start === 0 ? text : text.slice(start);
  }

  /** Decides the line end from the first `\n` or `\r`; false while it cannot be told yet. */
  private detect(text: string, final: boolean): boolean {
    const lf = text.indexOf('\n');
    const cr = text.indexOf('\r');
    if (lf < 0 && cr < 0) return false;
    if (cr < 0 || (lf >= 0 && lf < cr)) {
      this.separator = '\n';
      return true;
    }
    if (cr === text.length - 1 && !final) return false;
    this.separator = text.charCodeAt(cr + 1) === LF ? '\n' : '\r';
    return true;
  }
}

/**
 * The fields of one line (trimmed, unquoted), or null when the CSV grammar rejects it. Gives
 * what csv-parse gives with `delimiter: ';'`, `trim: true` and `relax_column_count: true`.
 */
export function splitCsvLine(line: string, separator: '\n' | '\r' | null = '\n'): string[] | null {
  if (line.indexOf('"') < 0) {
    const fields = line.split(';');
    for (let i = 0; i < fields.length; i++) fields[i] = trimField(fields[i] as string);
    return fields;
  }
  return unquote(line) ?? parseWithCsvParse(line, separator ?? '\n');
}

function trimField(field: string): string {
  const n = field.length;
  if (n === 0) return field;
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(n - 1);
  if (first > SPACE && last > SPACE && last < DEL) return field;
  return field.replace(LEADING_TRIM, '').trimEnd();
}

/**
 * The common quoted forms: each field either without any quote, or quoted from its first to its
 * last character with inner quotes doubled. Undefined for anything else (csv-parse decides).
 */
function unquote(line: string): string[] | undefined {
  const fields: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    if (line.charCodeAt(p) === QUOTE) {
      let value = '';
      let from = p + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return undefined;
        if (line.charCodeAt(q + 1) === QUOTE) {
          value += line.slice(from, q + 1);
          from = q + 2;
        } else {
          value += line.slice(from, q);
          p = q + 1;
          break;
        }
      }
      fields.push(value);
      if (p === n) return fields;
      if (line.charCodeAt(p) !== SEMICOLON) return undefined;
      p += 1;
    } else {
      const next = line.indexOf(';', p);
      const raw = line.slice(p, next < 0 ? n : next);
      if (raw.indexOf('"') >= 0) return undefined;
      fields.push(trimField(raw));
      if (next < 0) return fields;
      p = next + 1;
    }
  }
}

function parseWithCsvParse(line: string, separator: '\n' | '\r'): string[] | null {
  try {
    const records = parseCsv(line, {
      delimiter: ';',
      record_delimiter: separator,
      trim: true,
      relax_column_count: true,
    }) as string[][];
    return records.length === 1 ? (records[0] as string[]) : null;
  } catch {
    return null;
  }
}
