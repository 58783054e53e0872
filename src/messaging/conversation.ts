import { DomainError } from '../domain-error.ts';
import { isLocalDate, localDate } from '../time/local-date.ts';

/**
 * The life of one conversation between a patient and a pharmacy's organisational mailbox, pure:
 * no I/O, time passed in. The store loads a state, `apply` checks a command against it and gives
 * the next state (or throws a DomainError with a stable code), the use case writes it back.
 *
 * - open → closed, once, by the pharmacy team (MSSanté `X-MSS-MES: FIN`). A closed conversation
 *   accepts no command at all: the patient can no longer write, nobody changes it; the pharmacy
 *   may still read it.
 * - The preparation status the patient sees follows STATUS_TRANSITIONS. A final status (« retirée »,
 *   « impossible ») ends a preparation cycle; a new patient message after it is a new request and
 *   starts a new cycle at `received`, which the team moves again. Earlier messages stay.
 * - A team member (RPPS) claims it ("je m'en occupe"); anyone of the team, or its pharmacy
 *   software, hands it to a colleague of the same pharmacy.
 */
export type PreparationStatus =
  | { code: 'received' }
  | { code: 'in_preparation' }
  | { code: 'ready' }
  | { code: 'collected' }
  | { code: 'partial'; restExpectedOn: string }
  | { code: 'cannot_fill'; reason: string };

export type StatusCode = PreparationStatus['code'];

export const STATUS_CODES: readonly StatusCode[] = [
  'received',
  'in_preparation',
  'ready',
  'collected',
  'partial',
  'cannot_fill',
];

/**
 * Allowed status changes by the team. `partial → partial` gives a new date for the rest; `ready →
 * in_preparation` when the patient asks for a change; `collected` and `cannot_fill` are final
 * for the team (it can still reply, then close): only a new patient message starts a new cycle.
 */
export const STATUS_TRANSITIONS: Readonly<Record<StatusCode, readonly StatusCode[]>> = {
  received: ['in_preparation', 'partial', 'ready', 'cannot_fill'],
  in_preparation: ['partial', 'ready', 'cannot_fill'],
  partial: ['partial', 'in_preparation', 'ready', 'cannot_fill'],
  ready: ['in_preparation', 'collected'],
  collected: [],
  cannot_fill: [],
};

/** A member of the pharmacy team (by RPPS) or the pharmacy's software (an API credential). */
export type TeamActor = { kind: 'professional'; rpps: string } | { kind: 'software'; credentialId: string };

export interface ConversationState {
  status: PreparationStatus;
  /** RPPS of the team member handling it. */
  claimedBy: string | null;
  /** When the team closed it; null while open. */
  closedAt: string | null;
  /** The last change of any kind (message, status, claim, close). */
  updatedAt: string;
}

export type ConversationCommand =
  | { type: 'patient_message' }
  | { type: 'team_message'; by: TeamActor }
  | { type: 'claim'; by: TeamActor }
  /** `toIsColleague`: whether `to` is a member of this pharmacy (the caller looks it up). */
  | { type: 'hand_over'; by: TeamActor; to: string; toIsColleague: boolean }
  | { type: 'set_status'; by: TeamActor; status: PreparationStatus }
  | { type: 'close'; by: TeamActor };

export const CANNOT_FILL_REASON_MAX = 500;

/** A new conversation, as the patient's first message opens it. */
export function newConversation(now: Date): ConversationState {
  return { status: { code: 'received' }, claimedBy: null, closedAt: null, updatedAt: now.toISOString() };
}

export function isOpen(state: ConversationState): boolean {
  return state.closedAt === null;
}

/** Whether the patient may still write in it. */
export function patientMayWrite(state: ConversationState): boolean {
  return isOpen(state);
}

/** A status that ends a preparation cycle: the team can set nothing after it. */
export function isFinalStatus(code: StatusCode): boolean {
  return STATUS_TRANSITIONS[code].length === 0;
}

export function canChangeStatus(from: StatusCode, to: StatusCode): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/**
 * The state after `command`, or a DomainError: `CONVERSATION_CLOSED`, `STATUS_TRANSITION_NOT_ALLOWED`,
 * `INVALID_REST_DATE`, `INVALID_CANNOT_FILL_REASON`, `ALREADY_CLAIMED`, `CLAIM_NEEDS_A_PERSON`,
 * `NOT_A_COLLEAGUE`. `timeZone` decides "today" for the rest date (Europe/Paris).
 */
export function apply(
  state: ConversationState,
  command: ConversationCommand,
  now: Date,
  timeZone = 'Europe/Paris',
): ConversationState {
  if (!isOpen(state)) throw closedError();
  const updatedAt = now.toISOString();
  switch (command.type) {
    case 'patient_message':
      // After a final status, the patient's message is a new request: a new cycle, « reçue » again.
      return isFinalStatus(state.status.code)
        ? { ...state, status: { code: 'received' }, updatedAt }
        : { ...state, updatedAt };
    case 'team_message':
      return { ...state, updatedAt };
    case 'claim': {
      if (command.by.kind !== 'professional') throw claimNeedsAPerson();
      if (state.claimedBy !== null) {
        throw new DomainError(
          'ALREADY_CLAIMED',
          state.claimedBy === command.by.rpps
            ? 'Vous vous occupez déjà de cette conversation.'
            : "Un membre de l'équipe s'occupe déjà de cette conversation : demandez-lui de vous la confier.",
          { claimedBy: state.claimedBy },
        );
      }
      return { ...state, claimedBy: command.by.rpps, updatedAt };
    }
    case 'hand_over': {
      if (!command.toIsColleague) {
        throw new DomainError(
          'NOT_A_COLLEAGUE',
          "Cette personne ne fait pas partie de l'équipe de cette pharmacie.",
        );
      }
      if (state.claimedBy === command.to) {
        throw new DomainError('ALREADY_CLAIMED', "Cette personne s'occupe déjà de cette conversation.", {
          claimedBy: state.claimedBy,
        });
      }
      return { ...state, claimedBy: command.to, updatedAt };
    }
    case 'set_status': {
      const next = checkStatus(command.status, localDate(now, timeZone));
      if (!canChangeStatus(state.status.code, next.code)) {
        throw new DomainError(
          'STATUS_TRANSITION_NOT_ALLOWED',
          `Impossible de passer du statut « ${STATUS_LABELS[state.status.code]} » au statut « ${STATUS_LABELS[next.code]} ».`,
          { from: state.status.code, to: next.code },
        );
      }
      return { ...state, status: next, updatedAt };
    }
    case 'close':
      return { ...state, closedAt: updatedAt, updatedAt };
  }
}

/** The patient-facing French label of each status. */
export const STATUS_LABELS: Readonly<Record<StatusCode, string>> = {
  received: 'reçue',
  in_preparation: 'en préparation',
  ready: 'prête à être retirée',
  collected: 'retirée',
  partial: 'partiellement disponible',
  cannot_fill: 'ne peut pas être préparée',
};

/** A status as given by a client, normalised (trimmed reason), or INVALID_* errors. */
function checkStatus(status: PreparationStatus, today: string): PreparationStatus {
  switch (status.code) {
    case 'partial': {
      const date = status.restExpectedOn;
      if (typeof date !== 'string' || !isLocalDate(date) || date < today) {
        throw new DomainError(
          'INVALID_REST_DATE',
          "Indiquez à quelle date (AAAA-MM-JJ, aujourd'hui ou plus tard) le reste sera disponible.",
        );
      }
      return { code: 'partial', restExpectedOn: date };
    }
    case 'cannot_fill': {
      const reason = typeof status.reason === 'string' ? status.reason.trim() : '';
      if (reason.length === 0 || reason.length > CANNOT_FILL_REASON_MAX) {
        throw new DomainError(
          'INVALID_CANNOT_FILL_REASON',
          `Expliquez au patient pourquoi l'ordonnance ne peut pas être préparée (1 à ${CANNOT_FILL_REASON_MAX} caractères).`,
        );
      }
      return { code: 'cannot_fill', reason };
    }
    case 'received':
    case 'in_preparation':
    case 'ready':
    case 'collected':
      return { code: status.code };
    default:
      throw new DomainError('INVALID_STATUS', 'Statut de préparation inconnu.');
  }
}

/** Whether a state is one the machine can produce (used by the property tests and the store). */
export function isValidState(state: ConversationState): boolean {
  const s = state.status;
  if (!STATUS_CODES.includes(s.code)) return false;
  if (s.code === 'partial' && !isLocalDate(s.restExpectedOn)) return false;
  if (s.code === 'cannot_fill') {
    const reason = s.reason;
    if (reason.trim() !== reason || reason.length === 0 || reason.length > CANNOT_FILL_REASON_MAX)
      return false;
  }
  if (state.claimedBy !== null && !/^\d{11}$/.test(state.claimedBy)) return false;
  if (state.closedAt !== null && state.closedAt > state.updatedAt) return false;
  return true;
}

export function closedError(): DomainError {
  return new DomainError(
    'CONVERSATION_CLOSED',
    "La pharmacie a clos cette conversation : il n'est plus possible d'y écrire. Pour une nouvelle demande, commencez une nouvelle conversation.",
  );
}

function claimNeedsAPerson(): DomainError {
  return new DomainError(
    'CLAIM_NEEDS_A_PERSON',
    "Seul un membre de l'équipe, connecté en personne, peut prendre en charge une conversation.",
  );
}
