import type { FastifyInstance } from 'fastify';

/**
 * A fetch that answers from this very server, in process (Fastify's inject), for the relying
 * party talking to the bundled identity provider: no loopback connection, and it works whatever
 * PUBLIC_URL points at (a proxy the server itself cannot reach, a port not yet known).
 */
export function injectFetch(server: FastifyInstance) {
  return async (
    url: string,
    options: { method: string; headers: Record<string, string>; body?: unknown },
  ): Promise<Response> => {
    const target = new URL(url);
    const body = options.body;
    const payload =
      body === undefined || body === null
        ? undefined
        : body instanceof URLSearchParams
          ? body.toString()
          : typeof body === 'string'
            ? body
            : body instanceof Uint8Array
              ? Buffer.from(body)
              : body instanceof ArrayBuffer
                ? Buffer.from(body)
                : String(body);
    const answer = await server.inject({
      method: options.method as 'GET',
      url: target.pathname + target.search,
      headers: { ...options.headers, host: target.host },
      ...(payload === undefined ? {} : { payload }),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    return new Response(empty ? null : answer.rawPayload, { status: answer.statusCode, headers });
  };
}
