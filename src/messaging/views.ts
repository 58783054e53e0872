import type { AttachmentFlag } from '../attachments/attachment.ts';
import { formatPatientAddress } from '../identity/patient-address.ts';
import type { PreparationStatus } from './conversation.ts';
import { parseReferences } from './message-id.ts';
import { type AttachmentRow, type ConversationRow, type MessageRow, statusOf } from './store.ts';

/** What the use cases return: plain JSON-able objects (idempotent results are stored as JSON). */
export interface AttachmentView {
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
  /** PDF findings the pharmacy should know about (JavaScript, launch actions…). */
  flags: AttachmentFlag[];
  prescriptionNumbers: string[];
}

export interface MessageView {
  id: string;
  /** RFC 5322 headers, as the message will travel by mail. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  author: { kind: 'patient' | 'professional' | 'software'; name: string };
  text: string;
  createdAt: string;
  /** The message that closed the conversation. */
  closesConversation: boolean;
  attachments: AttachmentView[];
}

export interface PatientConversationSummary {
  id: string;
  pharmacy: { finess: string; name: string };
  subject: string;
  status: PreparationStatus;
  open: boolean;
  closedAt: string | null;
  createdAt: string;
  lastMessageAt: string;
  messageCount: number;
  /** A pharmacy message the patient has not read yet. */
  unread: boolean;
}

export interface TeamConversationSummary {
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
  /** A patient message this team member (not the team) has not read yet. */
  unread: boolean;
  /**
   * In the team listing only: what the patient's latest message carried (one entry per file, no
   * file names), so a counter workstation can announce it ("Ordonnance numérique + 1 photo")
   * without opening the conversation, which would mark it read.
   */
  latestPatientAttachments?: LatestPatientAttachment[];
}

export interface LatestPatientAttachment {
  kind: 'image' | 'pdf';
  prescriptionNumbers: string[];
}

export interface Page<T> {
  items: T[];
  /** Pass it back to get the next page; null on the last one. */
  nextCursor: string | null;
}

export function attachmentView(row: AttachmentRow): AttachmentView {
  return {
    id: row.id,
    kind: row.kind,
    mediaType: row.media_type,
    sourceType: row.source_type,
    fileName: row.file_name,
    size: Number(row.blob_size),
    hasThumbnail: row.thumbnail_sha256 !== null,
    width: row.width,
    height: row.height,
    pages: row.pages,
    flags: JSON.parse(row.flags) as AttachmentFlag[],
    prescriptionNumbers: JSON.parse(row.prescription_numbers) as string[],
  };
}

/** Display names of authors: professionals by RPPS; software shows as the pharmacy. */
export interface AuthorNames {
  patient: string;
  pharmacy: string;
  professionals: ReadonlyMap<string, string>;
}

export function messageView(
  row: MessageRow,
  attachments: readonly AttachmentRow[],
  names: AuthorNames,
): MessageView {
  const name =
    row.author_kind === 'patient'
      ? names.patient
      : row.author_kind === 'professional'
        ? (names.professionals.get(row.author_id) ?? names.pharmacy)
        : names.pharmacy;
  return {
    id: row.id,
    messageId: row.message_id,
    inReplyTo: row.in_reply_to,
    references: parseReferences(row.message_references),
    author: { kind: row.author_kind, name },
    text: row.body,
    createdAt: row.created_at,
    closesConversation: row.closes_conversation === 1,
    attachments: attachments.filter((a) => a.message_id === row.id).map(attachmentView),
  };
}

export function patientSummary(
  row: ConversationRow,
  pharmacyName: string,
  lastReadPosition: number,
): PatientConversationSummary {
  return {
    id: row.id,
    pharmacy: { finess: row.pharmacy_finess, name: pharmacyName },
    subject: row.subject,
    status: statusOf(row),
    open: row.closed_at === null,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    lastMessageAt: row.last_message_at,
    messageCount: row.message_count,
    unread: row.last_team_position > lastReadPosition,
  };
}

export function teamSummary(
  row: ConversationRow,
  claimerName: string | null,
  lastReadPosition: number,
): TeamConversationSummary {
  return {
    id: row.id,
    pharmacyFiness: row.pharmacy_finess,
    patient: {
      matricule: row.patient_matricule,
      givenNames: row.patient_given_names,
      familyName: row.patient_family_name,
      address: formatPatientAddress(row.patient_matricule),
    },
    subject: row.subject,
    status: statusOf(row),
    open: row.closed_at === null,
    closedAt: row.closed_at,
    claimedBy: row.claimed_by === null ? null : { rpps: row.claimed_by, name: claimerName ?? row.claimed_by },
    createdAt: row.created_at,
    lastMessageAt: row.last_message_at,
    messageCount: row.message_count,
    unread: row.last_patient_position > lastReadPosition,
  };
}

export const fullName = (given: string, family: string) => `${given} ${family}`;
