import type { MessagingDeps } from './context.ts';
import { createPatientMessaging, type PatientMessaging } from './patient-messaging.ts';
import { createPerformer } from './perform.ts';
import { createPrescriptionLookup, type PrescriptionLookup } from './prescription-lookup.ts';
import { createTeamMessaging, type TeamMessaging } from './team-messaging.ts';
import { createReplyTemplates, type ReplyTemplates } from './templates.ts';

/**
 * Messaging use cases (design note §3.2): each action is one transaction writing the change, its
 * journal entries and its audit record, then returns. Patients act on their own conversations,
 * team members on their pharmacy's; anything else is NOT_FOUND, as for an unknown id, and audited.
 */
export interface MessagingService {
  patient: PatientMessaging;
  team: TeamMessaging;
  templates: ReplyTemplates;
  /** E-prescriptions sent in a conversation, read from the e-prescription base by the team. */
  prescriptions: PrescriptionLookup;
}

export type { ActionContext, PatientActor, TeamMember } from './actors.ts';
export type { MessagingDeps };

export function createMessagingService(deps: MessagingDeps): MessagingService {
  const ctx = { ...deps, perform: createPerformer(deps) };
  return {
    patient: createPatientMessaging(ctx),
    team: createTeamMessaging(ctx),
    templates: createReplyTemplates(ctx),
    prescriptions: createPrescriptionLookup(ctx),
  };
}
