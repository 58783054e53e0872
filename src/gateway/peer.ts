import type { PeerCertificate } from 'node:tls';
import { SmtpRefusal } from './replies.ts';

/**
 * Who the peer operator is, from its client certificate — pure functions.
 *
 * Names: the certificate's subjectAltName DNS entries; only when it has none, its subject CN
 * (RFC 6125 §6.4.4). Lower-cased, a trailing dot dropped, anything that is not a host name
 * ignored.
 *
 * A name covers a domain when it is the domain, or when it is a wildcard `*.<base>` and the
 * domain is exactly one label under `<base>` (`*.op.fr` covers `mail.op.fr`, not `op.fr` nor
 * `a.b.op.fr`). The wildcard must be the whole left-most label and `<base>` must have at least
 * two labels (`*.fr` covers nothing).
 *
 * The sending domain, for a transaction, is:
 * - MAIL FROM's domain, which must be on the whitelist and covered by one of the names;
 * - for the null sender (`MAIL FROM:<>`: bounces and receipts), the domain the operator is
 *   whitelisted for: the first of its exact names (alphabetical order) that is on the whitelist,
 *   else the first whitelisted domain (alphabetical order) one of its wildcards covers.
 * Whitelisted domains are matched exactly: a listed `op.fr` does not admit `mail.op.fr`.
 */
export interface WhitelistView {
  has(domain: string): boolean;
  /** Every listed domain, lower-case. */
  domains(): Iterable<string>;
}

const HOST_NAME =
  /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function normalizeName(name: string): string | null {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return HOST_NAME.test(lower) ? lower : null;
}

/** subjectAltName DNS entries, else the subject CN. */
export function certificateNames(cert: Pick<PeerCertificate, 'subject' | 'subjectaltname'>): string[] {
  const dns = (cert.subjectaltname ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).replace(/^"|"$/g, ''));
  const cn = cert.subject?.CN;
  const candidates = dns.length > 0 ? dns : Array.isArray(cn) ? cn : cn ? [cn] : [];
  return [...new Set(candidates.map(normalizeName).filter((n): n is string => n !== null))];
}

export function nameCoversDomain(name: string, domain: string): boolean {
  if (!name.startsWith('*.')) return name === domain;
  const base = name.slice(2);
  if (!base.includes('.')) return false;
  const dot = domain.indexOf('.');
  return dot > 0 && domain.slice(dot + 1) === base;
}

/** An address's domain, lower-cased; '' for the null sender. */
export function addressDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .toLowerCase()
        .replace(/\.$/, '');
}

/** The sending domain of a transaction, or the refusal that says why there is none. */
export function authenticatedDomain(
  names: readonly string[],
  mailFrom: string,
  whitelist: WhitelistView,
): string {
  const domain = addressDomain(mailFrom);
  if (mailFrom === '') {
    const exact = names.filter((n) => !n.startsWith('*.') && whitelist.has(n)).sort();
    if (exact[0]) return exact[0];
    const wildcards = names.filter((n) => n.startsWith('*.'));
    const covered = [...whitelist.domains()]
      .filter((d) => wildcards.some((w) => nameCoversDomain(w, d)))
      .sort();
    if (covered[0]) return covered[0];
    throw new SmtpRefusal('SENDER_DOMAIN_NOT_WHITELISTED', names[0] ?? null);
  }
  if (domain === '') throw new SmtpRefusal('SENDER_DOMAIN_NOT_WHITELISTED');
  if (!whitelist.has(domain)) throw new SmtpRefusal('SENDER_DOMAIN_NOT_WHITELISTED', domain);
  if (!names.some((n) => nameCoversDomain(n, domain)))
    throw new SmtpRefusal('CERTIFICATE_DOMAIN_MISMATCH', domain);
  return domain;
}

/** Why OpenSSL did not trust a certificate, in French, with its code. */
export function untrustedReason(code: string | null | undefined): string {
  const known: Record<string, string> = {
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'autorite de certification inconnue',
    UNABLE_TO_GET_ISSUER_CERT: 'autorite de certification inconnue',
    SELF_SIGNED_CERT_IN_CHAIN: 'autorite de certification inconnue',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'certificat auto-signe',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'autorite de certification inconnue',
    CERT_HAS_EXPIRED: 'certificat expire',
    CERT_NOT_YET_VALID: 'certificat pas encore valide',
    CERT_REVOKED: 'certificat revoque',
    UNABLE_TO_GET_CRL: 'liste de revocation absente',
    CRL_HAS_EXPIRED: 'liste de revocation perimee',
    CERT_SIGNATURE_FAILURE: 'signature invalide',
    INVALID_PURPOSE: 'usage du certificat non autorise',
  };
  const safe = code && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'UNKNOWN';
  return `${known[safe] ?? 'certificat non verifiable'}, ${safe}`;
}
