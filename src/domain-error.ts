/**
 * The one error family of Officine MSS. Capabilities throw a DomainError with a stable
 * machine `code`; the HTTP layer and the CLI map codes to statuses and French messages.
 * `details` holds non-personal context (dates, counts, codes) — never a NIR or a name.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
