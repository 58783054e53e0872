/**
 * Import progress on a terminal: a bar by bytes read, the row count and rows per second,
 * redrawn at most ten times a second. Silent when the output is not a terminal.
 */
export interface Progress {
  update(bytesRead: number, rows: number): void;
  phase(label: string): void;
  done(): void;
}

export interface ProgressTarget {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const nf = new Intl.NumberFormat('fr-FR');

export function terminalProgress(
  totalBytes: number,
  out: ProgressTarget = process.stderr,
  now = () => performance.now(),
): Progress {
  if (!out.isTTY) return { update() {}, phase() {}, done() {} };
  const started = now();
  let lastDraw = 0;
  let shown = false;
  let latest = { bytes: 0, rows: 0 };
  const draw = (bytes: number, rows: number, force: boolean) => {
    latest = { bytes, rows };
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const ratio = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
    const width = 30;
    const filled = Math.round(ratio * width);
    const rate = rows / Math.max((t - started) / 1000, 0.001);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    out.write(
      `\r${bar} ${(ratio * 100).toFixed(0).padStart(3)} %  ${nf.format(rows)} lignes  ${nf.format(Math.round(rate))} lignes/s `,
    );
    shown = true;
  };
  return {
    update: (bytes, rows) => draw(bytes, rows, false),
    phase(label) {
      // The last figures may have been throttled away: show them before moving on.
      if (shown || latest.rows > 0) draw(latest.bytes, latest.rows, true);
      out.write(`${shown ? '\n' : ''}${label}\n`);
      shown = false;
    },
    done() {
      if (shown) out.write('\n');
      shown = false;
    },
  };
}
