import type { Kysely } from 'kysely';
import type { AuditActor, AuditResult, AuditTrail } from '../audit/trail.ts';
import type { Store } from '../db/connect.ts';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import { hintsOf, type JournalBus } from '../notifications/bus.ts';
import { takeAppended } from '../notifications/journal.ts';

/**
 * One acknowledged action (design note §3.2): checks, then one transaction that writes the
 * change, its journal entries and — last, so the audit chain head is locked as briefly as
 * possible — the success record. A DomainError from anywhere rolls everything back and is then
 * recorded on its own as a refusal (`denied`) or failure, with its code as the reason.
 *
 * The body fills `trace.target` / `trace.onBehalfOf` as it learns them (ids only).
 */
export interface Trace {
  actor: AuditActor;
  action: string;
  target: string | null;
  onBehalfOf: string | null;
  requestId: string | null;
  /** A reason on success, e.g. `IDEMPOTENT_REPLAY`. */
  reason: string | null;
}

export type Transact = <R>(work: (trx: Kysely<Schema>) => Promise<R>) => Promise<R>;

/** Refusals that are decisions about the actor, not faults in the request. */
const DENIED = new Set([
  'NOT_FOUND',
  'PHARMACY_NOT_ELIGIBLE',
  'CONVERSATION_CLOSED',
  'QUOTA_EXCEEDED',
  'FORBIDDEN',
]);

const auditOverrides = new WeakMap<DomainError, { result: AuditResult; reason: string }>();

/**
 * "Not found", the same answer for an unknown id and for another tenant's: only the audit record
 * tells them apart (`UNKNOWN_ID` failure, `OTHER_TENANT` denied).
 */
export function notFound(
  why: 'UNKNOWN_ID' | 'OTHER_TENANT',
  message = 'Conversation introuvable.',
): DomainError {
  const error = new DomainError('NOT_FOUND', message);
  auditOverrides.set(error, { result: why === 'OTHER_TENANT' ? 'denied' : 'failure', reason: why });
  return error;
}

export function createPerformer(deps: {
  store: Store;
  audit: AuditTrail;
  /** Receives the journal hints once the transaction that appended the entries has committed. */
  bus?: Pick<JournalBus, 'publish'> | undefined;
}) {
  const { store, audit, bus } = deps;
  const entry = (trace: Trace, result: AuditResult, reason: string | null) => ({
    actor: trace.actor,
    action: trace.action,
    target: trace.target,
    onBehalfOf: trace.onBehalfOf,
    requestId: trace.requestId,
    result,
    reason,
  });

  /**
   * `options.precheck`: the body only checks ahead of an action the caller performs next (a send
   * checked before its files are processed): a refusal is recorded as the action's, a pass is not
   * recorded (the action records its own outcome).
   */
  return async function perform<T>(
    trace: Trace,
    body: (transact: Transact, trace: Trace) => Promise<T>,
    options: { precheck?: boolean } = {},
  ): Promise<T> {
    let recorded = false;
    const transact: Transact = async (work) => {
      let appended: ReturnType<typeof takeAppended> = [];
      const result = await store.db.transaction().execute(async (trx) => {
        const result = await work(trx);
        await audit.record(entry(trace, 'success', trace.reason), trx);
        recorded = true;
        appended = takeAppended(trx);
        return result;
      });
      // Committed: now readers can see the entries the hints announce.
      if (bus && appended.length > 0) bus.publish(hintsOf(appended, (m) => audit.patientPseudonym(m)));
      return result;
    };
    try {
      const result = await body(transact, trace);
      if (!recorded && !options.precheck) await audit.record(entry(trace, 'success', trace.reason));
      return result;
    } catch (error) {
      if (error instanceof DomainError && !recorded) {
        const override = auditOverrides.get(error);
        await audit.record(
          entry(
            trace,
            override?.result ?? (DENIED.has(error.code) ? 'denied' : 'failure'),
            override?.reason ?? error.code,
          ),
        );
      }
      throw error;
    }
  };
}

export type Perform = ReturnType<typeof createPerformer>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An id from a client: a lowercase UUID, or null (then it cannot name anything). */
export function asId(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}
