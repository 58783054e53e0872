import { fullDateTime, when } from './format.ts';
import type { Attachment, Message } from './types.ts';

/**
 * The thread of a conversation at the counter: each message with its author, time and files; a
 * file's chip scrolls to it in the documents column.
 */
export function Thread({ messages }: { messages: Message[] }) {
  return (
    <ol class="thread">
      {messages.map((message) => (
        <MessageItem key={message.id} message={message} />
      ))}
    </ol>
  );
}

/** The e-prescription numbers sent in the thread, newest first, each once. */
export function prescriptionNumbers(messages: Message[]): string[] {
  const numbers: string[] = [];
  for (const message of [...messages].reverse())
    for (const a of message.attachments)
      for (const n of a.prescriptionNumbers) if (!numbers.includes(n)) numbers.push(n);
  return numbers;
}

function MessageItem({ message }: { message: Message }) {
  const fromPatient = message.author.kind === 'patient';
  return (
    <li
      class={`msg ${fromPatient ? 'msg--patient' : 'msg--team'}`}
      data-testid="message"
      data-author={message.author.kind}
    >
      <div class="msg-head">
        <strong>{message.author.name}</strong>
        <time dateTime={message.createdAt} title={fullDateTime(message.createdAt)}>
          {when(message.createdAt)}
        </time>
        {message.closesConversation && <span class="msg-tag">a clos la conversation</span>}
      </div>
      {message.text && <p class="msg-text">{message.text}</p>}
      {message.attachments.length > 0 && (
        <ul class="msg-files">
          {message.attachments.map((a) => (
            <li key={a.id}>
              <AttachmentChip attachment={a} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function AttachmentChip({ attachment: a }: { attachment: Attachment }) {
  return (
    <button
      type="button"
      class="msg-file"
      onClick={() => {
        const target = document.getElementById(`doc-${a.id}`);
        target?.scrollIntoView({ block: 'start', behavior: 'smooth' });
        target?.querySelector<HTMLElement>('[tabindex="0"]')?.focus({ preventScroll: true });
      }}
    >
      <span
        class={a.kind === 'pdf' ? 'fr-icon-file-pdf-line fr-icon--sm' : 'fr-icon-image-line fr-icon--sm'}
        aria-hidden="true"
      />
      {a.prescriptionNumbers.length > 0 ? 'Ordonnance numérique' : a.kind === 'pdf' ? 'PDF' : 'Photo'} ·{' '}
      {a.fileName}
    </button>
  );
}
