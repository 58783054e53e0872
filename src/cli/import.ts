import fs from 'node:fs';
import type { App } from '../app.ts';
import { importDirectory } from '../directory/importer.ts';
import { importDispensations } from '../eligibility/importer.ts';
import type { RowError } from '../import/error-report.ts';
import { terminalProgress } from '../import/progress.ts';
import { type CliOutput, formatCount } from './output.ts';

export interface ImportCliOptions {
  /** Error report path; default `<FILE>.erreurs.csv`. */
  errors?: string;
}

const defaultReport = (file: string) => `${file}.erreurs.csv`;

function printErrors(output: CliOutput, rejected: number, sample: readonly RowError[], report: string) {
  if (rejected === 0) return;
  output.out(`Lignes rejetées : ${formatCount(rejected)} — détail dans ${report}`);
  for (const e of sample) output.out(`  ligne ${e.line} : ${e.code} — ${e.message}`);
  if (rejected > sample.length) output.out(`  … et ${formatCount(rejected - sample.length)} autres`);
}

export async function runImportDispensations(
  app: App,
  file: string,
  options: ImportCliOptions,
  output: CliOutput,
) {
  const report = options.errors ?? defaultReport(file);
  fs.rmSync(report, { force: true });
  const started = performance.now();
  const summary = await importDispensations({
    store: app.store,
    clock: app.clock,
    file,
    errorReportFile: report,
    progress: terminalProgress(fs.statSync(file).size),
  });
  const seconds = (performance.now() - started) / 1000;
  output.out(
    `Import des délivrances terminé en ${seconds.toFixed(1)} s (${formatCount(Math.round(summary.rowsRead / seconds))} lignes/s).`,
  );
  output.out(`Lignes lues : ${formatCount(summary.rowsRead)}`);
  output.out(`Délivrances remboursées retenues : ${formatCount(summary.rowsAccepted)}`);
  output.out(`Délivrances non remboursées ignorées : ${formatCount(summary.rowsSkipped)}`);
  output.out(`Couples patient–pharmacie mis à jour : ${formatCount(summary.pairsChanged)}`);
  printErrors(output, summary.rowsRejected, summary.errorSample, report);
  return 0;
}

export async function runImportDirectory(
  app: App,
  file: string,
  options: ImportCliOptions,
  output: CliOutput,
) {
  const report = options.errors ?? defaultReport(file);
  fs.rmSync(report, { force: true });
  const summary = await importDirectory({
    store: app.store,
    clock: app.clock,
    file,
    errorReportFile: report,
    progress: terminalProgress(fs.statSync(file).size),
  });
  const what = summary.kind === 'pharmacies' ? 'pharmacies' : 'professionnels';
  output.out(`Import de l'annuaire (${what}) terminé.`);
  output.out(`Lignes lues : ${formatCount(summary.rowsRead)}`);
  output.out(`Lignes enregistrées : ${formatCount(summary.rowsAccepted)}`);
  if (summary.kind === 'pharmacies') {
    output.out(`Établissements hors catégorie 620 ignorés : ${formatCount(summary.rowsSkipped)}`);
  }
  if (summary.warnings > 0)
    output.out(`Avertissements : ${formatCount(summary.warnings)} (clé FINESS de Corse non vérifiée)`);
  printErrors(output, summary.rowsRejected, summary.errorSample, report);
  return 0;
}
