import { formatFrenchDate } from '../time/local-date.ts';
import type { Verdict } from './policy.ts';

/** The French sentence a patient reads for a verdict. */
export function explainVerdict(verdict: Verdict, windowMonths: number): string {
  if (verdict.eligible) {
    return (
      `Vous pouvez écrire à cette pharmacie jusqu'au ${formatFrenchDate(verdict.eligibleUntil)} ` +
      `(dernière délivrance remboursée le ${formatFrenchDate(verdict.lastReimbursedOn)}).`
    );
  }
  switch (verdict.reason) {
    case 'UNKNOWN_PHARMACY':
      return "Cette pharmacie ne figure pas dans l'annuaire.";
    case 'NO_PUBLISHED_MAILBOX':
      return "Cette pharmacie n'a pas de messagerie sécurisée publiée dans l'annuaire santé.";
    case 'NO_REIMBURSED_DISPENSATION':
      return `Aucune délivrance remboursée par l'Assurance Maladie dans cette pharmacie au cours des ${windowMonths} derniers mois.`;
    case 'EXPIRED':
      return (
        `Dernière délivrance remboursée dans cette pharmacie le ${formatFrenchDate(verdict.lastReimbursedOn)} : ` +
        `vous pouviez lui écrire jusqu'au ${formatFrenchDate(verdict.eligibleUntil)}.`
      );
  }
}
