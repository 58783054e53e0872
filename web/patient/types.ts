/**
 * The shapes the patient app reads from the API (src/http/routes/patient-messaging.ts and
 * src/http/messaging-schemas.ts are the authority; /api/openapi.json documents them).
 */
import type { ConversationCommon, ConversationDetail as Detail, Message, Page } from '../shared/types.ts';

export type { Attachment, Message, PreparationStatus, StatusCode } from '../shared/types.ts';

export interface Me {
  population: 'patient';
  matricule: string;
  /** `<matricule>@patient.mssante.fr` */
  address: string;
  givenNames: string;
  familyName: string;
  csrfToken: string;
}

export interface WritablePharmacy {
  finess: string;
  name: string;
  address: string;
  postcode: string;
  city: string;
  phone: string | null;
  mailboxAddress: string;
  lastReimbursedOn: string;
  eligibleUntil: string;
  explanation: string;
}

/** GET /api/patient/pharmacy-history: every pharmacy of the reimbursement history. */
export interface HistoryPharmacy {
  finess: string;
  name: string;
  address: string;
  postcode: string;
  city: string;
  phone: string | null;
  mailboxAddress: string | null;
  lastReimbursedOn: string;
  verdict: { eligible: boolean; reason?: string; eligibleUntil?: string };
  explanation: string;
}

export interface HealthDocument {
  id: string;
  kind: 'eprescription' | 'document';
  title: string;
  author: string;
  issuedOn: string;
  prescriptionNumber: string | null;
}

export interface Conversation extends ConversationCommon {
  pharmacy: { finess: string; name: string };
}

export type ConversationPage = Page<Conversation>;

export type ConversationDetail = Detail<Conversation>;

export interface SendResult {
  conversation: Conversation;
  message: Message;
}
