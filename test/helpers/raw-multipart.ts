import net from 'node:net';

/**
 * Multipart bodies written by hand, and sent over a raw socket: for what fetch cannot send — a
 * body cut short, a client that goes away halfway, part headers no browser would write.
 */
export interface RawPart {
  /** The whole Content-Disposition value, e.g. `form-data; name="files"; filename="a.pdf"`. */
  disposition: string;
  contentType?: string;
  body: Buffer | string;
}

export const BOUNDARY = '----officine-test-boundary-7MA4YWxkTrZu0gW';

export const field = (name: string, value: string): RawPart => ({
  disposition: `form-data; name="${name}"`,
  body: value,
});

export const file = (name: string, fileName: string, bytes: Buffer): RawPart => ({
  disposition: `form-data; name="${name}"; filename="${fileName}"`,
  contentType: 'application/octet-stream',
  body: bytes,
});

/** The body of these parts, with its closing boundary. */
export function multipartBody(parts: readonly RawPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = [`--${BOUNDARY}`, `Content-Disposition: ${part.disposition}`];
    if (part.contentType) head.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * POSTs `body` over a new socket, announcing `contentLength` bytes (by default, the body's).
 * `afterwards`: `wait` for the answer (`Connection: close`: null if the server closed without
 * one), or `destroy` the socket at once, as a client that goes away.
 */
export function rawPost(options: {
  base: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  contentLength?: number;
  afterwards?: 'wait' | 'destroy';
}): Promise<RawResponse | null> {
  const url = new URL(options.base);
  const { body, contentLength = body.length, afterwards = 'wait' } = options;
  const head = [
    `POST ${options.path} HTTP/1.1`,
    `Host: ${url.host}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    `Content-Length: ${contentLength}`,
    'Connection: close',
    ...Object.entries(options.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      if (!text) {
        resolve(null);
        return;
      }
      const [headers = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]);
      resolve({ status, headers, body: dechunk(headers, rest.join('\r\n\r\n')) });
    });
    socket.on('connect', () => {
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
      socket.write(body, () => {
        if (afterwards === 'destroy') {
          socket.destroy();
          resolve(null);
        }
      });
    });
  });
}

function dechunk(headers: string, body: string): string {
  if (!/^transfer-encoding: chunked$/im.test(headers)) return body;
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
