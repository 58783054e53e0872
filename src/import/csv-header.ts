import { DomainError } from '../domain-error.ts';

/** Header rows of the `;`-separated import files (docs/formats.md). */

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
