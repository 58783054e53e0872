import fs from 'node:fs';
import type { Clock } from '../time/clock.ts';
import type { WhitelistView } from './peer.ts';
import { parseWhitelistXml } from './whitelist-xml.ts';

/**
 * The national whitelist of operator domains, read from a file or an http(s) URL and reloaded
 * periodically. A reload that fails (unreachable, too slow, too large, not the expected XML)
 * keeps the last good list and is logged with a reason code — the list holds no personal data,
 * and the source is not logged (a URL may carry a token). Until a first load succeeds the list
 * is unavailable: the listener answers 451 4.3.0 (try again later), never "not whitelisted".
 */
export interface Whitelist extends WhitelistView {
  /** When the list in use was loaded; null before a first successful load. */
  loadedAt(): Date | null;
  /** Loads the source now; on failure the list in use stays. Never throws. */
  reload(): Promise<WhitelistReload>;
  /** A first load, then one every `reloadMs` (the timer does not keep the process alive). */
  start(): Promise<WhitelistReload>;
  stop(): void;
}

export type WhitelistFailure =
  | 'SOURCE_UNREADABLE'
  | 'HTTP_STATUS'
  | 'TIMEOUT'
  | 'TOO_LARGE'
  | 'INVALID_XML'
  | 'NO_DOMAIN'
  | 'INVALID_DOMAIN';

export type WhitelistReload = { ok: true; domains: number } | { ok: false; reason: WhitelistFailure };

export interface WhitelistOptions {
  /** A file path, or an `http://` / `https://` URL. */
  source: string;
  reloadMs: number;
  /** Largest accepted document. */
  maxBytes: number;
  /** Longest wait for a URL, headers and body together. */
  timeoutMs: number;
  clock: Clock;
  log?: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
}

class SourceError extends Error {
  constructor(readonly reason: WhitelistFailure) {
    super(reason);
  }
}

export function createWhitelist(options: WhitelistOptions): Whitelist {
  let domains: ReadonlySet<string> = new Set();
  let loadedAt: Date | null = null;
  let timer: NodeJS.Timeout | null = null;

  const reload = async (): Promise<WhitelistReload> => {
    let result: WhitelistReload;
    try {
      const parsed = parseWhitelistXml(await readSource(options));
      if (parsed.ok) {
        domains = parsed.domains;
        loadedAt = options.clock.now();
        result = { ok: true, domains: parsed.domains.size };
      } else {
        result = { ok: false, reason: parsed.reason };
      }
    } catch (error) {
      result = { ok: false, reason: error instanceof SourceError ? error.reason : 'SOURCE_UNREADABLE' };
    }
    if (result.ok) options.log?.('info', { whitelist: { domains: result.domains } }, 'whitelist loaded');
    else
      options.log?.(
        'warn',
        {
          whitelist: {
            reason: result.reason,
            keptDomains: domains.size,
            loadedAt: loadedAt?.toISOString() ?? null,
          },
        },
        'whitelist reload failed, keeping the last good list',
      );
    return result;
  };

  return {
    has: (domain) => domains.has(domain.toLowerCase()),
    domains: () => domains,
    loadedAt: () => loadedAt,
    reload,
    async start() {
      const first = await reload();
      timer ??= setInterval(() => void reload(), options.reloadMs);
      timer.unref();
      return first;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

async function readSource(options: WhitelistOptions): Promise<string> {
  if (/^https?:\/\//i.test(options.source)) return fetchBounded(options);
  const handle = await fs.promises.open(options.source, 'r').catch(() => {
    throw new SourceError('SOURCE_UNREADABLE');
  });
  try {
    const stat = await handle.stat();
    if (stat.size > options.maxBytes) throw new SourceError('TOO_LARGE');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function fetchBounded(options: WhitelistOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(options.source, { signal, redirect: 'follow' });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new SourceError('HTTP_STATUS');
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > options.maxBytes) {
      await response.body.cancel();
      throw new SourceError('TOO_LARGE');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > options.maxBytes) throw new SourceError('TOO_LARGE');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (signal.aborted) throw new SourceError('TIMEOUT');
    throw new SourceError('SOURCE_UNREADABLE');
  }
}
