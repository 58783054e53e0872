/**
 * The API shapes both apps read (src/http/messaging-schemas.ts is the authority; GET
 * /api/openapi.json documents them). Each app adds its own side's conversation fields. The
 * preparation status is the pure state machine's own type (the wire carries the same).
 */
import type { PreparationStatus, StatusCode } from '../../src/messaging/conversation.ts';

export type { PreparationStatus, StatusCode };

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

/** What a conversation says on either side. */
export interface ConversationCommon {
  id: string;
  subject: string;
  status: PreparationStatus;
  open: boolean;
  closedAt: string | null;
  createdAt: string;
  lastMessageAt: string;
  messageCount: number;
  /** For this reader only. */
  unread: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ConversationDetail<C extends ConversationCommon> {
  conversation: C;
  messages: Message[];
}
