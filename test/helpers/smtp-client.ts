import net from 'node:net';
import tls from 'node:tls';

/**
 * A small SMTP client for tests, over a real socket: one command, one reply, and STARTTLS with
 * the TLS options a test picks (client certificate or none). Replies are read as they come
 * (events, no timers); a closed connection resolves pending and later reads with code 0.
 */
export interface SmtpReply {
  code: number;
  /** The enhanced status code of the last line, or null. */
  enhanced: string | null;
  /** The text of every line, without code and enhanced code. */
  lines: string[];
  /** The raw last line. */
  raw: string;
}

const CLOSED: SmtpReply = { code: 0, enhanced: null, lines: [], raw: '' };

export class SmtpTestClient {
  #socket: net.Socket;
  #buffer = '';
  #pending: string[] = [];
  #waiters: ((reply: SmtpReply) => void)[] = [];
  #replies: SmtpReply[] = [];
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#listen(socket);
  }

  /** Connects (implicit TLS when `tlsOptions` are given) and reads the greeting. */
  static async connect(
    port: number,
    tlsOptions?: tls.ConnectionOptions,
  ): Promise<{ client: SmtpTestClient; greeting: SmtpReply }> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = tlsOptions
        ? tls.connect({ host: '127.0.0.1', port, ...tlsOptions }, () => resolve(s))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new SmtpTestClient(socket);
    return { client, greeting: await client.read() };
  }

  #listen(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => this.#onClose());
    socket.on('close', () => this.#onClose());
  }

  #onData(chunk: string) {
    this.#buffer += chunk;
    let newline = this.#buffer.indexOf('\r\n');
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 2);
      this.#pending.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) this.#deliver(parseReply(this.#pending));
      newline = this.#buffer.indexOf('\r\n');
    }
  }

  #deliver(reply: SmtpReply) {
    this.#pending = [];
    const waiter = this.#waiters.shift();
    if (waiter) waiter(reply);
    else this.#replies.push(reply);
  }

  #onClose() {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(CLOSED);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The next reply (one already received, or the next to come). */
  read(): Promise<SmtpReply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#closed) return Promise.resolve(CLOSED);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  command(line: string): Promise<SmtpReply> {
    if (!this.#closed) this.#socket.write(`${line}\r\n`);
    return this.read();
  }

  /** STARTTLS then the handshake; the reply to STARTTLS, and the TLS socket once it is up. */
  async starttls(options: tls.ConnectionOptions): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, ...options }, () => resolve(s));
      s.once('error', reject);
    });
    this.#socket = secure;
    this.#listen(secure);
    return reply;
  }

  /** DATA, the message (dot-stuffed here), then the final reply. */
  async data(message: string | Buffer): Promise<SmtpReply> {
    const go = await this.command('DATA');
    if (go.code !== 354) return go;
    const text = Buffer.isBuffer(message) ? message.toString('latin1') : message;
    const stuffed = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.#socket.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    return this.read();
  }

  /** Writes bytes as they are (part of a message, say), expecting no reply. */
  write(text: string): void {
    this.#socket.write(text);
  }

  /** Drops the connection without a word, as a crashed peer would. */
  destroy(): void {
    this.#socket.destroy();
  }

  async quit(): Promise<void> {
    if (!this.#closed) await this.command('QUIT');
    this.#socket.destroy();
  }
}

function parseReply(lines: string[]): SmtpReply {
  const last = lines.at(-1) ?? '';
  const code = Number(last.slice(0, 3));
  const strip = (line: string) => line.slice(4).replace(/^[245]\.\d{1,3}\.\d{1,3} /, '');
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3}) /.exec(last)?.[1] ?? null;
  return { code, enhanced, lines: lines.map(strip), raw: last };
}
