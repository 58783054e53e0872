/**
 * What the gateway's audit records hold (actions `smtp.session`, `smtp.refuse`, `smtp.accept`):
 * actor `anonymous` (a peer operator is none of our populations), `onBehalfOf` the operator domain
 * the peer was authenticated for, `target` its certificate's SHA-256 fingerprint (or the spooled
 * message's id for `smtp.accept`), `requestId` `smtp:<session id>`, `reason` a refusal code.
 * Never an address's local part, a subject or a text.
 */

/** The audit trail takes identifiers of at most 200 characters. */
export function auditDomain(domain: string | null): string | null {
  return domain && domain.length <= 200 ? domain : null;
}
