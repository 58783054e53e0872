import { writeDispensationFile } from '../demo/scale-file.ts';
import type { Clock } from '../time/clock.ts';
import { localDate } from '../time/local-date.ts';
import { type CliOutput, formatCount } from './output.ts';

/** `officine-mss generate dispensations --rows N --out FILE`: a national-scale test file. */
export async function runGenerateDispensations(
  options: { rows: number; out: string; seed?: number; patients?: number; pharmacies?: number },
  clock: Clock,
  output: CliOutput,
): Promise<number> {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  await writeDispensationFile(options.out, {
    rows: options.rows,
    today: localDate(clock.now()),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.patients !== undefined && { patients: options.patients }),
    ...(options.pharmacies !== undefined && { pharmacies: options.pharmacies }),
    onProgress: (rows) => {
      const now = performance.now();
      if (!tty || now - lastDraw < 100) return;
      lastDraw = now;
      process.stderr.write(`\r${formatCount(rows)} / ${formatCount(options.rows)} lignes`);
    },
  });
  if (tty) process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  output.out(
    `${formatCount(options.rows)} délivrances écrites dans ${options.out} en ${seconds.toFixed(1)} s.`,
  );
  return 0;
}
