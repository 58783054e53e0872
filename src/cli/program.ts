import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.ts';
import { systemClock } from '../time/clock.ts';
import { runAuditCheckpoint, runAuditVerify } from './audit.ts';
import { runBlobsSweep } from './blobs.ts';
import { runCheck } from './check.ts';
import { runDemo } from './demo.ts';
import { runEligibility } from './eligibility.ts';
import { runGenerateDispensations } from './generate.ts';
import { runImportDirectory, runImportDispensations } from './import.ts';
import { type CliOutput, consoleOutput } from './output.ts';
import { runServe } from './serve.ts';
import { withApp } from './with-app.ts';

const positiveInt = (value: string) => {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('un entier positif est attendu.');
  return n;
};

/** The `officine-mss` command line. Each action sets `process.exitCode`. */
export function buildProgram(output: CliOutput = consoleOutput): Command {
  const program = new Command('officine-mss')
    .description('Officine MSS — messagerie sécurisée de santé entre patients et pharmacies d’officine')
    .showHelpAfterError();

  const exit = (code: number) => {
    process.exitCode = code;
  };

  program
    .command('serve')
    .description('démarre le serveur (API, applications web) avec la configuration de l’environnement')
    .action(() => runServe(loadConfig(), output));

  program
    .command('check')
    .description(
      'vérifie un identifiant national et affiche ses champs (code de sortie 0 si valide, 1 sinon)',
    )
    .argument('<type>', 'nir, finess ou rpps')
    .argument('<valeur>', 'la valeur à vérifier (espaces et points acceptés)')
    .action((kind: string, value: string) => exit(runCheck(kind, value, output)));

  const importCommand = program
    .command('import')
    .description('importe un fichier CSV (voir docs/formats.md)');
  importCommand
    .command('directory')
    .description('annuaire : pharmacies (format FINESS) ou professionnels (RPPS)')
    .argument('<fichier>')
    .option('--errors <fichier>', 'rapport des lignes rejetées (défaut : <fichier>.erreurs.csv)')
    .action(async (file: string, options: { errors?: string }) =>
      exit(await withApp((app) => runImportDirectory(app, file, options, output))),
    );
  importCommand
    .command('dispensations')
    .description('délivrances (NIR, FINESS, date, remboursée, montant) vers l’index d’éligibilité')
    .argument('<fichier>')
    .option('--errors <fichier>', 'rapport des lignes rejetées (défaut : <fichier>.erreurs.csv)')
    .action(async (file: string, options: { errors?: string }) =>
      exit(await withApp((app) => runImportDispensations(app, file, options, output))),
    );

  program
    .command('eligibility')
    .description('pharmacies auxquelles un patient peut écrire, ou le verdict pour une pharmacie')
    .argument('<matricule>', 'NIR du patient')
    .argument('[finess]', 'FINESS de la pharmacie')
    .option('--date <AAAA-MM-JJ>', 'date du jour à considérer (défaut : aujourd’hui, heure de Paris)')
    .action(async (matricule: string, finess: string | undefined, options: { date?: string }) =>
      exit(await withApp((app) => runEligibility(app, matricule, finess, options, output))),
    );

  program
    .command('demo')
    .description('charge les données de démonstration si la base est vide et affiche les comptes')
    .action(async () => exit(await withApp((app) => runDemo(app, output))));

  const auditCommand = program.command('audit').description('piste d’audit');
  auditCommand
    .command('verify')
    .description(
      'recalcule la chaîne scellée de la piste d’audit (code de sortie 0 si intègre, 1 si altérée, 2 si invérifiable)',
    )
    .option(
      '--checkpoint <fichier>',
      'point de contrôle (audit checkpoint) que la piste doit encore contenir',
    )
    .action(async (options: { checkpoint?: string }) =>
      exit(await withApp((app) => runAuditVerify(app, options, output))),
    );
  auditCommand
    .command('checkpoint')
    .description('vérifie la piste puis émet un point de contrôle signé de son dernier enregistrement (JSON)')
    .option('--out <fichier>', 'fichier à écrire (défaut : la sortie standard)')
    .action(async (options: { out?: string }) =>
      exit(await withApp((app) => runAuditCheckpoint(app, options, output))),
    );

  program
    .command('blobs')
    .description('fichiers des pièces jointes (chiffrés, sous DATA_DIR/blobs)')
    .command('sweep')
    .description(
      'supprime les fichiers qu’aucune pièce jointe ne référence (envois refusés), touchés il y a plus de N heures',
    )
    .option('--older-than-hours <n>', 'ancienneté minimale, en heures (défaut : 24)', positiveInt, 24)
    .action(async (options: { olderThanHours: number }) =>
      exit(await withApp((app) => runBlobsSweep(app, options, output))),
    );

  program
    .command('generate')
    .description('génère des fichiers de test')
    .command('dispensations')
    .description('un fichier de délivrances à l’échelle nationale, pour les bancs d’essai')
    .requiredOption('--rows <n>', 'nombre de lignes', positiveInt)
    .requiredOption('--out <fichier>', 'fichier à écrire')
    .option('--seed <n>', 'graine du générateur', positiveInt)
    .option('--patients <n>', 'nombre de patients distincts (défaut : lignes / 5)', positiveInt)
    .option('--pharmacies <n>', 'nombre de pharmacies distinctes (défaut : 20 500)', positiveInt)
    .action(
      async (options: { rows: number; out: string; seed?: number; patients?: number; pharmacies?: number }) =>
        exit(await runGenerateDispensations(options, systemClock, output)),
    );

  return program;
}
