import type { ProcessedAttachment } from '../attachments/attachment.ts';
import type { DomainError } from '../domain-error.ts';
import type { ActionContext, TeamMember } from './actors.ts';
import type { MessagingContext } from './context.ts';
import type { PreparationStatus } from './conversation.ts';
import type { PageRequest, TeamFilter } from './listing.ts';
import type { AttachmentDownload, ConversationDetail } from './reading.ts';
import { createTeamPrecheck, type TeamReplyPrecheck } from './send-precheck.ts';
import { createTeamReading } from './team-reading.ts';
import { createTeamReply } from './team-reply.ts';
import { createTeamWorkflow } from './team-workflow.ts';
import type { MessageView, Page, TeamConversationSummary } from './views.ts';

export interface TeamReplyInput {
  /** The text; may be left out when a template gives it. */
  text?: string;
  /** A reply template of this pharmacy: its text is used when `text` is left out. */
  templateId?: string;
  attachments?: readonly ProcessedAttachment[];
}

export interface TeamSendResult {
  conversation: TeamConversationSummary;
  message: MessageView;
}

export type TeamConversationDetail = ConversationDetail<TeamConversationSummary>;

export interface TeamListRequest extends PageRequest {
  filter?: TeamFilter;
}

export interface TeamMessaging {
  /** A pharmacy's conversations, newest activity first; `unread` is for this member only. */
  listConversations(
    member: TeamMember,
    finess: string,
    request?: TeamListRequest,
    context?: ActionContext,
  ): Promise<Page<TeamConversationSummary>>;
  /**
   * The conversation with its messages; marks it read for this member only, unless `markRead` is
   * false (a counter refreshing what is on screen while nobody may be looking at it).
   */
  open(
    member: TeamMember,
    conversationId: string,
    context?: ActionContext,
    options?: { markRead?: boolean },
  ): Promise<TeamConversationDetail>;
  /** "Je m'en occupe". */
  claim(
    member: TeamMember,
    conversationId: string,
    context?: ActionContext,
  ): Promise<TeamConversationSummary>;
  handOver(
    member: TeamMember,
    conversationId: string,
    toRpps: string,
    context?: ActionContext,
  ): Promise<TeamConversationSummary>;
  setStatus(
    member: TeamMember,
    conversationId: string,
    status: PreparationStatus,
    context?: ActionContext,
  ): Promise<TeamConversationSummary>;
  /**
   * The checks of a reply that need no file (the fields, the key, the conversation is the
   * pharmacy's and open, the template), read-only: the HTTP layer runs them before it processes
   * the files (send-precheck.ts).
   */
  precheckReply(
    member: TeamMember,
    conversationId: string,
    input: TeamReplyPrecheck,
    context?: ActionContext,
  ): Promise<void>;
  /** Counts a refused send against the member's `refused-sends-hour` quota (quotas.ts). */
  countRefusedSend(member: TeamMember, error: DomainError): Promise<void>;
  reply(
    member: TeamMember,
    conversationId: string,
    input: TeamReplyInput,
    context?: ActionContext,
  ): Promise<TeamSendResult>;
  /** Closes it (the patient can no longer write), with an optional last message. */
  close(
    member: TeamMember,
    conversationId: string,
    input?: { text?: string },
    context?: ActionContext,
  ): Promise<TeamConversationSummary>;
  attachment(member: TeamMember, attachmentId: string, context?: ActionContext): Promise<AttachmentDownload>;
}

/** The pharmacy team's use cases: their pharmacy's conversations only (team-access.ts). */
export function createTeamMessaging(ctx: MessagingContext): TeamMessaging {
  return {
    ...createTeamReading(ctx),
    ...createTeamWorkflow(ctx),
    reply: createTeamReply(ctx),
    ...createTeamPrecheck(ctx),
  };
}
