/**
 * The shapes the patient app reads from the API (src/http/routes/patient-messaging.ts and
 * src/http/messaging-schemas.ts are the authority; /api/openapi.json documents them).
 */
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

export type StatusCode = 'received' | 'in_preparation' | 'ready' | 'collected' | 'partial' | 'cannot_fill';

export interface PreparationStatus {
  code: StatusCode;
  restExpectedOn?: string;
  reason?: string;
}

export interface Attachment {
  id: string;
  kind: 'image' | 'pdf';
  mediaType: string;
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

export interface Conversation {
  id: string;
  subject: string;
  status: PreparationStatus;
  open: boolean;
  closedAt: string | null;
  createdAt: string;
  lastMessageAt: string;
  messageCount: number;
  pharmacy: { finess: string; name: string };
  unread: boolean;
}

export interface ConversationPage {
  items: Conversation[];
  nextCursor: string | null;
}

export interface ConversationDetail {
  conversation: Conversation;
  messages: Message[];
}

export interface SendResult {
  conversation: Conversation;
  message: Message;
}
