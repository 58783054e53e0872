import type { AuditTrail } from '../audit/trail.ts';
import { type ActionContext, type PatientActor, patientAuditActor } from './actors.ts';
import { notFound, type Trace } from './perform.ts';
import type { ConversationRow } from './store.ts';

/** The audit trace of a patient action. */
export function patientTrace(
  audit: AuditTrail,
  patient: PatientActor,
  action: string,
  context?: ActionContext,
): Trace {
  return {
    actor: patientAuditActor(audit, patient),
    action,
    target: null,
    onBehalfOf: null,
    requestId: context?.requestId ?? null,
    reason: null,
  };
}

/** The patient's own conversation, or NOT_FOUND (unknown id and another patient's look the same). */
export function ownConversation(row: ConversationRow | undefined, patient: PatientActor): ConversationRow {
  if (!row) throw notFound('UNKNOWN_ID');
  if (row.patient_matricule !== patient.matricule) throw notFound('OTHER_TENANT');
  return row;
}
