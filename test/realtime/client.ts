import { Browser } from '../auth/browser.ts';
import { login, me } from '../auth/login.ts';
import { openSse, type SseStream } from '../helpers/sse-client.ts';

/** Answers as the tests read them. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field by the assertions
export type Json = Record<string, any>;

/**
 * A signed-in browser for the real-time tests: API calls with the session's CSRF token, and
 * event streams opened with the session cookie (as EventSource does: no Origin on a same-origin
 * GET).
 */
export class Client {
  readonly browser = new Browser();
  csrf = '';
  constructor(readonly base: string) {}

  async login(segment: 'patient' | 'pro', account: string): Promise<this> {
    await login(this.browser, this.base, segment, { account });
    this.csrf = String((await me(this.browser, this.base)).body.csrfToken);
    return this;
  }

  async call(method: string, path: string, body?: unknown) {
    const response = await this.browser.fetch(`${this.base}${path}`, {
      method,
      headers: {
        origin: this.base,
        'x-csrf-token': this.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const type = response.headers.get('content-type') ?? '';
    const json = type.includes('application/json') ? ((await response.json()) as Json) : {};
    return { status: response.status, json };
  }

  fetcher = (url: string, init: RequestInit) => this.browser.fetch(url, init);

  stream(path: string, headers: Record<string, string> = {}): Promise<SseStream> {
    return openSse(`${this.base}${path}`, headers, this.fetcher);
  }

  /** A new conversation with the first e-prescription of the patient's record. */
  async startConversation(finess: string): Promise<string> {
    const documents = (await this.call('GET', '/api/patient/documents')).json.documents as Json[];
    const document = documents.find((d) => d.kind === 'eprescription');
    const sent = await this.call('POST', '/api/patient/conversations', {
      finess,
      subject: 'Mon ordonnance',
      text: 'Bonjour, pouvez-vous préparer cette ordonnance ?',
      documentIds: [document?.id],
    });
    if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.json)}`);
    return String(sent.json.conversation.id);
  }

  async reply(conversationId: string, text = 'Merci !'): Promise<void> {
    const sent = await this.call('POST', `/api/patient/conversations/${conversationId}/messages`, { text });
    if (sent.status !== 201) throw new Error(`reply failed: ${sent.status} ${JSON.stringify(sent.json)}`);
  }
}

/** Generous quotas: these tests send more than a patient may in a minute. */
export const QUOTAS = {
  QUOTA_MESSAGES_PER_MINUTE: '1000',
  QUOTA_MESSAGES_PER_DAY: '1000',
  QUOTA_CONVERSATIONS_PER_DAY: '1000',
};
