/**
 * What the counter app reads from the API (src/http/messaging-schemas.ts, GET /api/openapi.json).
 */
export type StatusCode = 'received' | 'in_preparation' | 'ready' | 'collected' | 'partial' | 'cannot_fill';

export interface PreparationStatus {
  code: StatusCode;
  restExpectedOn?: string;
  reason?: string;
}

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

export interface Attachment {
  id: string;
  kind: 'image' | 'pdf';
  mediaType: string;
  sourceType: string;
  fileName: string;
  size: number;
  hasThumbnail: boolean;
  width: number | null;
  height: number | null;
  pages: number | null;
  flags: string[];
  prescriptionNumbers: string[];
}

export interface Message {
  id: string;
  author: { kind: 'patient' | 'professional' | 'software'; name: string };
  text: string;
  createdAt: string;
  closesConversation: boolean;
  attachments: Attachment[];
}

export interface LatestAttachment {
  kind: 'image' | 'pdf';
  prescriptionNumbers: string[];
}

export interface TeamConversation {
  id: string;
  pharmacyFiness: string;
  patient: { matricule: string; givenNames: string; familyName: string; address: string };
  subject: string;
  status: PreparationStatus;
  open: boolean;
  closedAt: string | null;
  claimedBy: { rpps: string; name: string } | null;
  createdAt: string;
  lastMessageAt: string;
  messageCount: number;
  unread: boolean;
  /** Listings only: the files of the patient's latest message. */
  latestPatientAttachments?: LatestAttachment[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ConversationDetail {
  conversation: TeamConversation;
  messages: Message[];
}

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
