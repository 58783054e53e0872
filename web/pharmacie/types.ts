/**
 * What the counter app reads from the API (src/http/messaging-schemas.ts, GET /api/openapi.json).
 */
import type { ConversationCommon, ConversationDetail as Detail } from '../shared/types.ts';

export type {
  Attachment,
  Message,
  Page,
  PreparationStatus,
  StatusCode,
} from '../shared/types.ts';

export interface Membership {
  finess: string;
  pharmacyName: string;
  role: string;
}

export interface Me {
  population: 'professional' | 'patient' | 'pharmacy-software';
  rpps: string;
  givenName: string;
  familyName: string;
  memberships: Membership[];
  csrfToken: string;
}

export interface LatestAttachment {
  kind: 'image' | 'pdf';
  prescriptionNumbers: string[];
}

export interface TeamConversation extends ConversationCommon {
  pharmacyFiness: string;
  patient: { matricule: string; givenNames: string; familyName: string; address: string };
  claimedBy: { rpps: string; name: string } | null;
  /** Listings only: the files of the patient's latest message. */
  latestPatientAttachments?: LatestAttachment[];
}

export type ConversationDetail = Detail<TeamConversation>;

export interface Prescription {
  number: string;
  prescriber: string;
  issuedOn: string;
  lines: { label: string; quantity: string; posology: string }[];
}

export interface ReplyTemplate {
  id: string;
  title: string;
  body: string;
  updatedBy: string;
  updatedAt: string;
}

export const FILTERS = ['new', 'unread', 'mine', 'in_progress', 'ready', 'closed', 'all'] as const;
export type Filter = (typeof FILTERS)[number];
