import fs from 'node:fs';

/**
 * The rejected rows of an import: `line;code;message`, one per bad row. It names the line and
 * the reason, never the row's content (which holds NIRs): the operator reads the line in the
 * source file they already have.
 */
export interface RowError {
  line: number;
  code: string;
  message: string;
}

export interface ErrorReport {
  add(error: RowError): void;
  readonly count: number;
  /** The first few errors, for the summary printed at the end. */
  readonly sample: readonly RowError[];
  close(): Promise<void>;
}

const SAMPLE_SIZE = 10;

export function openErrorReport(file: string | null): ErrorReport {
  let out: fs.WriteStream | null = null;
  const sample: RowError[] = [];
  let count = 0;
  return {
    add(error) {
      count += 1;
      if (sample.length < SAMPLE_SIZE) sample.push(error);
      if (file === null) return;
      if (out === null) {
        out = fs.createWriteStream(file, { encoding: 'utf8' });
        out.write('ligne;code;motif\n');
      }
      out.write(`${error.line};${error.code};${error.message.replaceAll(';', ',')}\n`);
    },
    get count() {
      return count;
    },
    sample,
    close() {
      const stream = out;
      if (stream === null) return Promise.resolve();
      return new Promise((resolve, reject) => {
        stream.once('error', reject);
        stream.end(resolve);
      });
    },
  };
}
