import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { type CsvRowBatch, readCsvRows, splitCsvLine } from './csv-lines.ts';

const REQUIRED = ['a', 'b'];

/** The bytes of `text`, cut into chunks of `size` bytes (which may split a UTF-8 character). */
function chunks(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

async function* from(parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

/** Every row as `[line, fields | null]`, reading `text` in chunks of `size` bytes. */
async function read(text: string, size = 1 << 16, maxLineLength?: number) {
  const rows: [number, string[] | null][] = [];
  let batches: CsvRowBatch[] = [];
  const options =
    maxLineLength === undefined
      ? { requiredColumns: REQUIRED }
      : { requiredColumns: REQUIRED, maxLineLength };
  for await (const batch of readCsvRows(from(chunks(text, size)), options)) {
    batches = [...batches, batch];
    batch.rows.forEach((fields, i) => {
      rows.push([batch.lines[i] as number, fields]);
    });
  }
  return { rows, columns: batches[0]?.columns };
}

describe('readCsvRows', () => {
  const plain = 'A;B;c\n1;2;3\n4;5;6\n';

  it('reads the header (trimmed, lower-cased) and numbers rows by their line in the file', async () => {
    const { rows, columns } = await read(plain);
    assert.deepEqual(
      [...(columns ?? [])],
      [
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ],
    );
    assert.deepEqual(rows, [
      [2, ['1', '2', '3']],
      [3, ['4', '5', '6']],
    ]);
  });

  it('gives the same rows for LF, CRLF and CR line ends, a BOM and a last line without line end', async () => {
    const expected = (await read(plain)).rows;
    for (const text of [
      plain.replaceAll('\n', '\r\n'),
      plain.replaceAll('\n', '\r'),
      `\uFEFF${plain}`,
      `\uFEFF${plain.replaceAll('\n', '\r\n')}`,
      plain.slice(0, -1),
      plain.replaceAll('\n', '\r\n').slice(0, -2),
    ]) {
      assert.deepEqual((await read(text)).rows, expected, JSON.stringify(text));
    }
  });

  it('skips empty and blank lines but counts them', async () => {
    const { rows } = await read('\n\r\na;b\n\n1;2\n  \t\n\r\n3;4\n\n');
    assert.deepEqual(rows, [
      [5, ['1', '2']],
      [8, ['3', '4']],
    ]);
  });

  it('unquotes quoted fields (a separator or a doubled quote inside) and trims as csv-parse does', async () => {
    const { rows } = await read('a;b\n"x;y";" z "\n"say ""hi""";""\n  p  ; "q" \n\u00a0r\u00a0;s\u00a0\n');
    assert.deepEqual(rows, [
      [2, ['x;y', ' z ']],
      [3, ['say "hi"', '']],
      [4, ['p', 'q']],
      [5, ['\u00a0r', 's']],
    ]);
  });

  it('reports a line with an unbalanced or misplaced quote as malformed and goes on', async () => {
    const { rows } = await read('a;b\n"1;2\n3;4\n5";6\nx"y;7\n"8"9;10\n11;12');
    assert.deepEqual(rows, [
      [2, null],
      [3, ['3', '4']],
      [4, null],
      [5, null],
      [6, null],
      [7, ['11', '12']],
    ]);
  });

  it('reads lines cut across chunks, whatever the chunk size (UTF-8 characters cut in two too)', async () => {
    const text = '\uFEFFa;b;c\r\nété;"x;""y""";1\r\n\r\nœuf;€;2\r\n"n\u00a0";ü;3';
    const expected = (await read(text)).rows;
    assert.deepEqual(expected, [
      [2, ['été', 'x;"y"', '1']],
      [4, ['œuf', '€', '2']],
      [5, ['n\u00a0', 'ü', '3']],
    ]);
    for (const size of [1, 2, 3, 5, 7, 11])
      assert.deepEqual((await read(text, size)).rows, expected, `${size}`);
  });

  it('reports a line longer than the limit as malformed without keeping it, in any chunk size', async () => {
    const long = 'x'.repeat(100);
    const text = `a;b\n1;2\n${long};3\n4;5\n${long}`;
    for (const size of [3, 64, 1 << 16]) {
      assert.deepEqual(
        (await read(text, size, 50)).rows,
        [
          [2, ['1', '2']],
          [3, null],
          [4, ['4', '5']],
          [5, null],
        ],
        `${size}`,
      );
    }
  });

  it('refuses a header without a required column, a malformed header and an empty file', async () => {
    await assert.rejects(read('a;c\n1;2\n'), { code: 'IMPORT_BAD_HEADER' });
    await assert.rejects(read('"a;b\n1;2\n'), { code: 'IMPORT_BAD_HEADER' });
    await assert.rejects(read(''), { code: 'IMPORT_EMPTY_FILE' });
    await assert.rejects(read('\uFEFF\n\r\n  \n'), { code: 'IMPORT_EMPTY_FILE' });
    assert.deepEqual((await read('a;b\n')).rows, []);
  });
});

describe('splitCsvLine', () => {
  /** What csv-parse makes of one line with the options the general reader uses; null on error. */
  function reference(line: string): string[] | null {
    try {
      const records = parse(line, {
        delimiter: ';',
        record_delimiter: '\n',
        trim: true,
        relax_column_count: true,
      }) as string[][];
      return records.length === 1 ? (records[0] as string[]) : null;
    } catch {
      return null;
    }
  }

  it('agrees with csv-parse on any line', () => {
    const char = fc.constantFrom('a', 'b', '1', ';', ';', '"', '"', ' ', '\t', '\u00a0', '\r', 'é');
    const line = fc
      .array(char, { minLength: 1, maxLength: 24 })
      .map((c) => c.join(''))
      .filter((l) => !/^[\t\r ]*$/.test(l));
    fc.assert(
      fc.property(line, (l) => {
        assert.deepEqual(splitCsvLine(l), reference(l), JSON.stringify(l));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with csv-parse on well-formed quoted lines', () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z ;"]{0,6}$/).map((v) => `"${v.replaceAll('"', '""')}"`),
      fc.stringMatching(/^[a-z \t]{0,6}$/),
    );
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        const l = fields.join(';');
        fc.pre(!/^[\t ]*$/.test(l));
        assert.deepEqual(splitCsvLine(l), reference(l), JSON.stringify(l));
      }),
      { numRuns: 5_000 },
    );
  });
});
