import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { PATIENT_DOMAIN, parsePatientAddress } from '../identity/patient-address.ts';
import { addressDomain } from './peer.ts';
import { SmtpRefusal } from './replies.ts';

/**
 * Whether the listener takes mail for an address, decided at RCPT TO from the store as it is now:
 * - a domain this instance does not host: 550 5.7.1 (relaying denied);
 * - on the patient domain (when hosted): a valid matricule INS (syntax and key). Whether that
 *   patient has an account is not asked: the answer is the same for every valid matricule, so a
 *   peer cannot use RCPT TO to probe who is a patient. A patient without an account is the next
 *   slice's business (a bounce it sends), not the listener's;
 * - on another hosted domain: a published organisational mailbox (ORG) of a pharmacy in the
 *   directory; unknown, unpublished ("liste rouge") or non-ORG mailboxes: 550 5.1.1.
 * A store that does not answer is a temporary failure (451 4.3.0).
 */
export interface RecipientPolicy {
  /** Resolves when the address is ours and known; rejects with an SmtpRefusal otherwise. */
  check(address: string): Promise<void>;
}

export function createRecipientPolicy(options: {
  db: Kysely<Schema>;
  hostedDomains: readonly string[];
}): RecipientPolicy {
  const hosted = new Set(options.hostedDomains);
  return {
    async check(address) {
      const domain = addressDomain(address);
      if (!hosted.has(domain)) throw new SmtpRefusal('RELAY_DENIED', domain || null);
      if (domain === PATIENT_DOMAIN) {
        if (!parsePatientAddress(address).ok) throw new SmtpRefusal('RECIPIENT_UNKNOWN');
        return;
      }
      let found: { id: string } | undefined;
      try {
        found = await options.db
          .selectFrom('mailboxes')
          .select('id')
          .where('address', '=', address.toLowerCase())
          .where('kind', '=', 'ORG')
          .where('published', '=', 1)
          .where('pharmacy_finess', 'is not', null)
          .executeTakeFirst();
      } catch {
        throw new SmtpRefusal('TEMPORARY_FAILURE');
      }
      if (!found) throw new SmtpRefusal('RECIPIENT_UNKNOWN');
    },
  };
}
