import type { AuditChainProblem } from '../audit/verify.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import type { Store } from '../db/connect.ts';
import { type CliOutput, formatCount } from './output.ts';

const PROBLEMS: Record<AuditChainProblem, string> = {
  'hash-mismatch': 'contenu modifié : son empreinte ne correspond plus à ses champs',
  'broken-link': 'chaînage rompu : il ne désigne pas l’empreinte de l’enregistrement précédent',
  'seq-gap': 'enregistrement manquant',
  'head-mismatch': 'la tête de chaîne ne désigne pas cet enregistrement',
};

const records = (n: number) => `${formatCount(n)} enregistrement${n > 1 ? 's' : ''}`;

/** `officine-mss audit verify`: exit code 0 when the chain is intact, 1 when it is not. */
export async function runAuditVerify(store: Store, output: CliOutput): Promise<number> {
  const result = await verifyAuditTrail(store);
  if (result.ok) {
    output.out(`Piste d'audit intègre : ${records(result.count)}.`);
    output.out(`Dernière empreinte : ${result.lastHash}`);
    return 0;
  }
  output.out(
    `Piste d'audit altérée : premier maillon rompu à l'enregistrement n° ${result.firstBrokenSeq} ` +
      `(${PROBLEMS[result.problem]}).`,
  );
  output.out(
    result.count === 0
      ? 'Aucun enregistrement intègre avant ce maillon.'
      : `${records(result.count)} intègre${result.count > 1 ? 's' : ''} avant ce maillon.`,
  );
  return 1;
}
