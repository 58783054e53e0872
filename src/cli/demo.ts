import type { App } from '../app.ts';
import { DEMO_ACCOUNTS } from '../demo/accounts.ts';
import { DEMO_SEED } from '../demo/generate.ts';
import { demoImportSha256, isStoreEmpty, loadDemo } from '../demo/load.ts';
import { type CliOutput, formatCount } from './output.ts';

const ROLE_LABELS = {
  titulaire: 'titulaire',
  adjoint: 'adjoint(e)',
  preparateur: 'préparateur·rice',
} as const;

async function hasDemoData(app: App): Promise<boolean> {
  const mark = await app.store.db
    .selectFrom('import_runs')
    .select('id')
    .where('sha256', '=', demoImportSha256(DEMO_SEED))
    .executeTakeFirst();
  return mark !== undefined;
}

async function load(app: App, output: CliOutput): Promise<void> {
  output.out('Chargement des données de démonstration…');
  const summary = await loadDemo(app.store, app.clock, { windowMonths: app.config.eligibilityWindowMonths });
  output.out(
    `  ${formatCount(summary.pharmacies)} pharmacies, ${formatCount(summary.professionals)} professionnels, ` +
      `${formatCount(summary.patients)} patients, ${formatCount(summary.dispensations)} délivrances ` +
      `(${formatCount(summary.reimbursedDispensations)} remboursées).`,
  );
}

function printAccounts(output: CliOutput): void {
  output.out('Comptes de démonstration :');
  output.out('  Patients (matricule INS — adresse sécurisée) :');
  for (const p of DEMO_ACCOUNTS.patients) output.out(`    ${p.name.padEnd(18)} ${p.address}`);
  output.out('  Équipe officinale (RPPS) :');
  for (const p of DEMO_ACCOUNTS.professionals) {
    output.out(
      `    ${p.name.padEnd(18)} ${p.rpps}  ${ROLE_LABELS[p.role]}, ${p.pharmacy} (FINESS ${p.finess})`,
    );
  }
}

/** At `serve` start with DEMO_DATA=auto: load the demo into an empty store, print its accounts. */
export async function ensureDemoData(app: App, output: CliOutput): Promise<void> {
  if (await isStoreEmpty(app.store)) await load(app, output);
  if (await hasDemoData(app)) printAccounts(output);
}

/** `officine-mss demo`: loads the demo unless the store already holds other data. */
export async function runDemo(app: App, output: CliOutput): Promise<number> {
  if (await hasDemoData(app)) {
    output.out('Les données de démonstration sont déjà chargées.');
  } else if (await isStoreEmpty(app.store)) {
    await load(app, output);
  } else {
    output.err(
      'La base contient déjà des données qui ne sont pas celles de la démonstration : rien n’a été chargé.',
    );
    return 1;
  }
  printAccounts(output);
  return 0;
}
