import { DomainError } from '../domain-error.ts';
import type { EligibilityService } from '../eligibility/service.ts';
import { idempotencyActor, type PatientActor, type TeamMember, teamActorOf } from './actors.ts';
import { apply, type ConversationState } from './conversation.ts';
import { type IdempotentRequest, idempotentRequest } from './idempotency.ts';
import { ownConversation } from './patient-access.ts';
import { asId, notFound } from './perform.ts';
import { type ConversationRow, stateOf } from './store.ts';

/**
 * The checks of a send that need none of its files: whether the patient may write to the pharmacy
 * (a new conversation), whether the conversation is the patient's — or the member's pharmacy's —
 * and still accepts a message (a reply); the patient's quotas are in quotas.ts.
 *
 * Each runs twice with the same code: in the use case, which decides (the conversation locked in
 * its transaction, the quotas counted there: state may change in between), and in its precheck
 * (send-precheck.ts), before the files are read, so that an obvious refusal costs no upload
 * processing and writes no blob. So do the Idempotency-Key fingerprints below: they take the
 * files as sent (`sourceSha256`, known once received, before any processing).
 */

/** The Idempotency-Key fingerprint of a new conversation. */
export function startRequest(
  patient: PatientActor,
  key: string | null | undefined,
  send: { finess: string; subject: string; text: string; sources: readonly string[] },
): IdempotentRequest | null {
  const parts = [send.finess, send.subject, send.text, send.sources];
  return idempotentRequest(idempotencyActor(patient), key, 'conversation.start', parts);
}

/** The Idempotency-Key fingerprint of a patient's reply. */
export function patientReplyRequest(
  patient: PatientActor,
  key: string | null | undefined,
  send: { id: string; text: string; sources: readonly string[] },
): IdempotentRequest | null {
  return idempotentRequest(idempotencyActor(patient), key, 'message.reply', [
    send.id,
    send.text,
    send.sources,
  ]);
}

/** The Idempotency-Key fingerprint of a team reply (`text` null: left out for the template's). */
export function teamReplyRequest(
  member: TeamMember,
  key: string | null | undefined,
  send: { id: string; text: string | null; templateId: string | null; sources: readonly string[] },
): IdempotentRequest | null {
  const parts = [send.id, send.text, send.templateId, send.sources];
  return idempotentRequest(idempotencyActor(member), key, 'message.reply', parts);
}

/** PHARMACY_NOT_ELIGIBLE, with the reason and its French explanation, unless the patient may write. */
export async function checkEligible(
  eligibility: EligibilityService,
  patient: PatientActor,
  finess: string,
): Promise<void> {
  // The rule, on the server, at every new conversation, whatever the client says.
  const verdict = await eligibility.check(patient.matricule, finess);
  if (verdict.verdict.eligible) return;
  throw new DomainError('PHARMACY_NOT_ELIGIBLE', verdict.explanation, {
    reason: verdict.verdict.reason,
    explanation: verdict.explanation,
    ...('eligibleUntil' in verdict.verdict ? { eligibleUntil: verdict.verdict.eligibleUntil } : {}),
  });
}

/** The patient's own conversation and its state after their message, or NOT_FOUND / CONVERSATION_CLOSED. */
export function acceptPatientMessage(
  row: ConversationRow | undefined,
  patient: PatientActor,
  now: Date,
  timeZone: string | undefined,
): { row: ConversationRow; state: ConversationState } {
  const own = ownConversation(row, patient);
  return { row: own, state: apply(stateOf(own), { type: 'patient_message' }, now, timeZone) };
}

/**
 * The state of a conversation of the member's pharmacy (teamConversation) after their message, or
 * CONVERSATION_CLOSED.
 */
export function acceptTeamMessage(
  row: ConversationRow,
  member: TeamMember,
  now: Date,
  timeZone: string | undefined,
): ConversationState {
  return apply(stateOf(row), { type: 'team_message', by: teamActorOf(member) }, now, timeZone);
}

/** The reply template a team reply names: null for none, NOT_FOUND for an id that cannot be one. */
export function replyTemplateId(value: string | undefined): string | null {
  if (value === undefined) return null;
  const id = asId(value);
  if (id === null) throw notFound('UNKNOWN_ID', 'Modèle de réponse introuvable.');
  return id;
}

/** NOT_FOUND unless the template exists and is the conversation's pharmacy's. */
export function checkTemplateOf<T extends { pharmacy_finess: string }>(
  template: T | undefined,
  row: ConversationRow,
): asserts template is T {
  if (template?.pharmacy_finess !== row.pharmacy_finess)
    throw notFound(template ? 'OTHER_TENANT' : 'UNKNOWN_ID', 'Modèle de réponse introuvable.');
}
