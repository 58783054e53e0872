import fs from 'node:fs';
import type { App } from '../app.ts';
import { chainKeyOf, existingChainKey } from '../audit/chain-key.ts';
import { type CheckpointProblem, issueCheckpoint, readCheckpoint } from '../audit/checkpoint.ts';
import {
  AuditChainKeyMissingError,
  type AuditChainProblem,
  type AuditVerification,
  type ChainAnchor,
  verifyAuditTrail,
} from '../audit/verify.ts';
import { type CliOutput, formatCount } from './output.ts';

const PROBLEMS: Record<AuditChainProblem, string> = {
  'hash-mismatch': 'contenu modifié : son empreinte ne correspond plus à ses champs',
  'broken-link': 'chaînage rompu : il ne désigne pas l’empreinte de l’enregistrement précédent',
  'seq-gap': 'enregistrement manquant',
  'unkeyed-after-keyed': 'enregistrement non scellé après des enregistrements scellés par la clé',
  'head-mismatch': 'la tête de chaîne ne désigne pas cet enregistrement, ou n’est pas scellée par la clé',
  'checkpoint-mismatch': 'il ne correspond plus au point de contrôle : réécrit depuis',
  'checkpoint-truncated': 'la piste s’arrête avant l’enregistrement du point de contrôle : fin supprimée',
};

const CHECKPOINT_PROBLEMS: Record<CheckpointProblem, string> = {
  malformed: 'ce n’est pas un point de contrôle de piste d’audit Officine MSS',
  'other-key': 'il a été signé avec une autre clé de chaînage',
  'bad-signature': 'sa signature ne correspond pas à son contenu (falsifié)',
};

const NO_KEY =
  'Vérification impossible : la piste contient des enregistrements scellés et aucune clé de chaînage ' +
  'n’est disponible (AUDIT_CHAIN_KEY, ou DATA_DIR/audit-chain.key).';

const records = (n: number) => `${formatCount(n)} enregistrement${n > 1 ? 's' : ''}`;

type AuditCliApp = Pick<App, 'config' | 'store' | 'clock'>;

function reportBroken(result: AuditVerification & { ok: false }, output: CliOutput): number {
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

/**
 * `officine-mss audit verify [--checkpoint FILE]`: exit code 0 when the chain is intact (and
 * reaches the checkpoint's record unchanged), 1 when it is not or the checkpoint is not genuine,
 * 2 when it cannot be checked (no chain key for keyed records, checkpoint file unreadable).
 */
export async function runAuditVerify(
  app: Pick<App, 'config' | 'store'>,
  options: { checkpoint?: string },
  output: CliOutput,
): Promise<number> {
  const chainKey = existingChainKey(app.config);
  let anchor: ChainAnchor | undefined;
  if (options.checkpoint !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(options.checkpoint, 'utf8');
    } catch {
      output.err(`Point de contrôle illisible : ${options.checkpoint}.`);
      return 2;
    }
    if (!chainKey) {
      output.err(NO_KEY);
      return 2;
    }
    const read = readCheckpoint(text, chainKey);
    if (!read.ok) {
      output.out(`Point de contrôle refusé : ${CHECKPOINT_PROBLEMS[read.problem]}.`);
      return 1;
    }
    anchor = read.anchor;
  }
  let result: AuditVerification;
  try {
    result = await verifyAuditTrail(app.store, { chainKey, anchor });
  } catch (error) {
    if (!(error instanceof AuditChainKeyMissingError)) throw error;
    output.err(NO_KEY);
    return 2;
  }
  if (!result.ok) return reportBroken(result, output);
  output.out(`Piste d'audit intègre : ${records(result.count)}.`);
  output.out(`Dernière empreinte : ${result.lastHash}`);
  if (result.unkeyed > 0) {
    const plural = result.unkeyed > 1 ? 's' : '';
    output.out(
      `Dont ${records(result.unkeyed)} antérieur${plural} à la clé de chaînage (non scellé${plural} ; ` +
        'le premier enregistrement scellé qui suit les lie à la chaîne).',
    );
  }
  if (!result.headSealed && result.count > 0) {
    output.out(
      'Tête de chaîne non scellée (aucun enregistrement écrit depuis la clé de chaînage) : ' +
        'seul un point de contrôle peut révéler une fin de piste supprimée.',
    );
  }
  if (anchor) {
    output.out(`Point de contrôle vérifié : l'enregistrement n° ${anchor.seq} est présent et inchangé.`);
  }
  return 0;
}

/**
 * `officine-mss audit checkpoint [--out FILE]`: verifies the trail, then prints (or writes) a
 * signed checkpoint of its last record (src/audit/checkpoint.ts). Exit code 0, or 1 when the
 * trail is altered (no checkpoint is issued then).
 */
export async function runAuditCheckpoint(
  app: AuditCliApp,
  options: { out?: string },
  output: CliOutput,
): Promise<number> {
  const chainKey = chainKeyOf(app.config);
  const issued = await issueCheckpoint(app.store, chainKey, app.clock);
  if (!issued.ok) {
    if (issued.verification.ok)
      throw new Error('unreachable: a checkpoint is refused only for an altered trail');
    reportBroken(issued.verification, output);
    output.out('Aucun point de contrôle émis.');
    return 1;
  }
  const json = `${JSON.stringify(issued.checkpoint)}\n`;
  if (options.out === undefined) {
    output.out(json.trimEnd());
    return 0;
  }
  fs.writeFileSync(options.out, json);
  const { seq, mac } = issued.checkpoint;
  output.out(`Point de contrôle écrit dans ${options.out} : enregistrement n° ${seq}, empreinte ${mac}.`);
  output.out(
    'Conservez-le hors du serveur et de la base ; `audit verify --checkpoint` le confronte à la piste.',
  );
  return 0;
}
