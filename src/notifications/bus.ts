/**
 * The journal bus (design note §3.3): it carries only hints — "stream S is now at seq N" — from
 * the process that committed a journal entry to every process holding a stream of S open. Readers
 * always read the journal itself, so a lost or duplicated hint only delays or repeats a read.
 *
 * A stream key never holds a NIR: a mailbox is `m:<mailbox id>`, a patient `p:<the first 32 hex
 * digits of their audit pseudonym>` (a keyed HMAC, shared by every process that writes to the
 * same database), so NOTIFY payloads and PostgreSQL logs carry no matricule.
 */
import type { AppendedEntry } from './journal.ts';

export interface JournalHint {
  key: string;
  seq: number;
}

/**
 * Called with the new head of the stream, or with null when hints may have been lost (the bus
 * (re)connected): the subscriber should then re-read the journal.
 */
export type HintListener = (seq: number | null) => void;

export interface JournalBus {
  /** Publishes hints, after the transaction that appended their entries committed. Never throws. */
  publish(hints: readonly JournalHint[]): void;
  /** Listens to one stream; returns the function that stops listening. */
  subscribe(key: string, listener: HintListener): () => void;
  close(): Promise<void>;
}

export function mailboxStreamKey(mailboxId: string): string {
  return `m:${mailboxId}`;
}

/** `pseudonym`: the patient's audit pseudonym (AuditTrail.patientPseudonym), never the matricule. */
export function patientStreamKey(pseudonym: string): string {
  return `p:${pseudonym.slice(0, 32)}`;
}

/** The hints announcing committed entries; `pseudonym` is AuditTrail.patientPseudonym. */
export function hintsOf(
  entries: readonly AppendedEntry[],
  pseudonym: (matricule: string) => string,
): JournalHint[] {
  return entries.map(({ stream, seq }) => ({
    key:
      stream.kind === 'mailbox'
        ? mailboxStreamKey(stream.mailboxId)
        : patientStreamKey(pseudonym(stream.matricule)),
    seq,
  }));
}

/** The subscribers of one process, by stream key: what both buses deliver to. */
export interface Subscribers {
  add(key: string, listener: HintListener): () => void;
  deliver(key: string, seq: number | null): void;
  /** Every subscriber re-reads its journal (hints may have been lost). */
  resyncAll(): void;
  readonly size: number;
}

export function createSubscribers(onListenerError: (error: unknown) => void = () => {}): Subscribers {
  const byKey = new Map<string, Set<HintListener>>();
  const call = (listener: HintListener, seq: number | null) => {
    try {
      listener(seq);
    } catch (error) {
      onListenerError(error);
    }
  };
  return {
    add(key, listener) {
      const set = byKey.get(key) ?? new Set<HintListener>();
      byKey.set(key, set);
      // A function may subscribe twice: wrap it so that each subscription is removed on its own.
      const own: HintListener = (seq) => listener(seq);
      set.add(own);
      return () => {
        set.delete(own);
        if (set.size === 0 && byKey.get(key) === set) byKey.delete(key);
      };
    },
    deliver(key, seq) {
      for (const listener of [...(byKey.get(key) ?? [])]) call(listener, seq);
    },
    resyncAll() {
      for (const set of [...byKey.values()]) for (const listener of [...set]) call(listener, null);
    },
    get size() {
      let n = 0;
      for (const set of byKey.values()) n += set.size;
      return n;
    },
  };
}
