import { type App, blobRoot } from '../app.ts';
import { sweepBlobs } from '../attachments/blob-sweep.ts';
import { referencedBlobs } from '../messaging/blob-references.ts';
import { type CliOutput, formatCount } from './output.ts';

/**
 * `officine-mss blobs sweep`: removes the blobs no attachment record references that were last
 * written or touched more than `olderThanHours` ago (src/attachments/blob-sweep.ts says why the
 * delay makes it safe next to uploads in progress). Exit code 0.
 */
export async function runBlobsSweep(
  app: Pick<App, 'config' | 'clock' | 'store'>,
  options: { olderThanHours: number },
  output: CliOutput,
): Promise<number> {
  const before = new Date(app.clock.now().getTime() - options.olderThanHours * 3_600_000);
  const report = await sweepBlobs({
    root: blobRoot(app.config),
    referenced: (sha256s) => referencedBlobs(app.store.db, sha256s),
    before,
  });
  const megabytes = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(
    report.removedBytes / 1_000_000,
  );
  output.out(
    `Fichiers sans pièce jointe supprimés : ${formatCount(report.removed)} (${megabytes} Mo), ` +
      `sur ${formatCount(report.examined)} de plus de ${formatCount(options.olderThanHours)} h.`,
  );
  if (report.staleTempFiles > 0)
    output.out(`Fichiers temporaires abandonnés supprimés : ${formatCount(report.staleTempFiles)}.`);
  return 0;
}
