import { DomainError } from '../domain-error.ts';
import { type EPrescription, normalizePrescriptionNumber } from '../eprescription/base.ts';
import { type ActionContext, type TeamMember, teamAuditActor } from './actors.ts';
import type { MessagingContext } from './context.ts';
import { asId, notFound } from './perform.ts';
import { findConversation } from './store.ts';
import { teamConversation } from './team-access.ts';

/**
 * The pharmacy reads an e-prescription sent in one of its conversations: the number must be one
 * the conversation's attachments carry (read from their QR codes, or picked from the patient's
 * health record), so a team sees only the prescriptions sent to it; then the e-prescription base
 * gives its lines.
 */
export interface PrescriptionLookup {
  lookup(
    member: TeamMember,
    conversationId: string,
    number: string,
    context?: ActionContext,
  ): Promise<EPrescription>;
}

export function createPrescriptionLookup(ctx: MessagingContext): PrescriptionLookup {
  const { store, perform, prescriptions } = ctx;
  const db = store.db;
  return {
    lookup(member, conversationId, number, context) {
      const trace = {
        actor: teamAuditActor(member),
        action: 'messaging.prescription.lookup',
        target: null,
        onBehalfOf: null,
        requestId: context?.requestId ?? null,
        reason: null,
      };
      return perform(trace, async (_, t) => {
        const id = asId(conversationId);
        if (id === null) throw notFound('UNKNOWN_ID');
        t.target = id;
        const row = await teamConversation(db, member, await findConversation(db, id));
        t.onBehalfOf = row.mailbox_id;
        const wanted = normalizePrescriptionNumber(number);
        const carried = await db
          .selectFrom('message_attachments')
          .select('prescription_numbers')
          .where('conversation_id', '=', id)
          .execute();
        const numbers = new Set(carried.flatMap((a) => JSON.parse(a.prescription_numbers) as string[]));
        if (wanted === null || !numbers.has(wanted)) {
          throw new DomainError(
            'PRESCRIPTION_NOT_IN_CONVERSATION',
            "Cette ordonnance numérique n'a pas été envoyée dans cette conversation.",
          );
        }
        if (!prescriptions) throw new Error('messaging: no e-prescription base configured');
        const found = await prescriptions.lookup(wanted);
        if (!found) {
          throw new DomainError(
            'PRESCRIPTION_UNKNOWN',
            'Cette ordonnance numérique est introuvable dans la base des e-prescriptions : vérifiez le numéro avec le patient.',
          );
        }
        return found;
      });
    },
  };
}
