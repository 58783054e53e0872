import { describeIdentifier, IDENTIFIER_KINDS, type IdentifierKind } from '../identity/describe.ts';
import type { CliOutput } from './output.ts';

/** `officine-mss check nir|finess|rpps VALUE`: exit code 0 when valid, 1 when not. */
export function runCheck(kind: string, value: string, output: CliOutput): number {
  if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind)) {
    output.err(`Type d'identifiant inconnu : ${kind} (attendu : ${IDENTIFIER_KINDS.join(', ')}).`);
    return 2;
  }
  const description = describeIdentifier(kind as IdentifierKind, value);
  for (const line of description.lines) output.out(line);
  return description.valid ? 0 : 1;
}
