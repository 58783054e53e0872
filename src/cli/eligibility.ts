import type { App } from '../app.ts';
import { parseFiness } from '../identity/finess.ts';
import { parseNir } from '../identity/nir.ts';
import { formatFrenchDate } from '../time/local-date.ts';
import type { CliOutput } from './output.ts';

/**
 * `officine-mss eligibility MATRICULE [FINESS] [--date D]`: the pharmacies a patient may write to,
 * or the verdict for one pharmacy. An operator's tool: it reads the store directly.
 */
export async function runEligibility(
  app: App,
  matricule: string,
  finess: string | undefined,
  options: { date?: string },
  output: CliOutput,
): Promise<number> {
  const nir = parseNir(matricule);
  if (!nir.ok) {
    output.err(`NIR invalide : ${nir.message}`);
    return 2;
  }
  if (finess !== undefined) {
    const f = parseFiness(finess);
    if (!f.ok) {
      output.err(`FINESS invalide : ${f.message}`);
      return 2;
    }
    const result = await app.eligibility.check(nir.nir.value, f.finess.value, options.date);
    output.out(`${result.verdict.eligible ? 'Autorisé' : 'Refusé'} : ${result.explanation}`);
    return result.verdict.eligible ? 0 : 1;
  }
  const history = await app.eligibility.history(nir.nir.value, options.date);
  if (history.length === 0) output.out('Aucune pharmacie dans l’historique de remboursement de ce patient.');
  for (const entry of history) {
    const mark = entry.verdict.eligible ? '✔' : '✘';
    output.out(
      `${mark} ${entry.finess}  ${entry.name}, ${entry.city} — dernière délivrance remboursée le ${formatFrenchDate(entry.lastReimbursedOn)}`,
    );
    output.out(`    ${entry.explanation}`);
  }
  return 0;
}
