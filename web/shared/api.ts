/**
 * The one way the apps talk to the server: same-origin JSON with the session cookie, the CSRF
 * token on every state-changing request, and errors as `ApiError` (stable code + the server's
 * French message). Uploads go through XMLHttpRequest, the only browser API with upload progress.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Set from `/api/me` once signed in. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

const NETWORK_MESSAGE = 'Le service est injoignable. Vérifiez votre connexion puis réessayez.';

function errorFrom(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
  if (status === 401) {
    return new ApiError(401, error?.code ?? 'UNAUTHENTICATED', 'Votre session a expiré. Reconnectez-vous.');
  }
  return new ApiError(
    status,
    error?.code ?? 'HTTP_ERROR',
    error?.message ?? `Le service a répondu par une erreur (${status}).`,
    error?.requestId ?? null,
  );
}

function headersFor(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  return headers;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: headersFor(
        method,
        body === undefined ? extraHeaders : { 'content-type': 'application/json', ...extraHeaders },
      ),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_MESSAGE);
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}

/** A multipart POST with progress (0..1) as the bytes leave the browser. */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    for (const [name, value] of Object.entries(headersFor('POST', extraHeaders)))
      xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', NETWORK_MESSAGE));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else reject(errorFrom(xhr.status, parsed));
    };
    xhr.send(form);
  });
}

/** A fresh Idempotency-Key for one send (a retry of the same send reuses it). */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
