import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../domain-error.ts';
import {
  apply,
  type ConversationCommand,
  type ConversationState,
  isValidState,
  newConversation,
  type PreparationStatus,
  patientMayWrite,
  STATUS_CODES,
  STATUS_TRANSITIONS,
  type StatusCode,
  type TeamActor,
} from './conversation.ts';

const NOW = new Date('2026-03-15T10:00:00Z');
const TODAY = '2026-03-15';
const ALICE = '10000000017';
const BOB = '10000000025';
const alice: TeamActor = { kind: 'professional', rpps: ALICE };
const bob: TeamActor = { kind: 'professional', rpps: BOB };
const software: TeamActor = { kind: 'software', credentialId: '0190a0b0-0000-7000-8000-000000000001' };

const sample: Record<StatusCode, PreparationStatus> = {
  received: { code: 'received' },
  in_preparation: { code: 'in_preparation' },
  ready: { code: 'ready' },
  collected: { code: 'collected' },
  partial: { code: 'partial', restExpectedOn: '2026-03-18' },
  cannot_fill: { code: 'cannot_fill', reason: 'Médicament en rupture chez tous les grossistes.' },
};

const withStatus = (status: PreparationStatus): ConversationState => ({
  ...newConversation(NOW),
  status,
});

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    assert.ok(error instanceof DomainError, String(error));
    assert.ok(error.message.length > 0);
    return error.code;
  }
};

describe('preparation status transitions', () => {
  // The whole table: every (from, to) pair, allowed or refused with its code.
  const expected: Record<StatusCode, StatusCode[]> = {
    received: ['in_preparation', 'partial', 'ready', 'cannot_fill'],
    in_preparation: ['partial', 'ready', 'cannot_fill'],
    partial: ['partial', 'in_preparation', 'ready', 'cannot_fill'],
    ready: ['in_preparation', 'collected'],
    collected: [],
    cannot_fill: [],
  };
  for (const from of STATUS_CODES) {
    for (const to of STATUS_CODES) {
      const allowed = expected[from].includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : 'refused'}`, () => {
        const run = () =>
          apply(withStatus(sample[from]), { type: 'set_status', by: alice, status: sample[to] }, NOW);
        if (allowed) {
          const next = run();
          assert.deepEqual(next.status, sample[to]);
          assert.equal(next.updatedAt, NOW.toISOString());
          assert.ok(isValidState(next));
        } else {
          assert.equal(codeOf(run), 'STATUS_TRANSITION_NOT_ALLOWED');
        }
      });
    }
  }

  it('a patient message after a final status starts a new cycle the team moves again', () => {
    const later = new Date(NOW.getTime() + 1000);
    for (const final of ['collected', 'cannot_fill'] as const) {
      const ended = { ...withStatus(sample[final]), claimedBy: ALICE };
      const renewed = apply(ended, { type: 'patient_message' }, later);
      assert.deepEqual(renewed, { ...ended, status: { code: 'received' }, updatedAt: later.toISOString() });
      const moved = apply(
        renewed,
        { type: 'set_status', by: alice, status: { code: 'in_preparation' } },
        later,
      );
      assert.deepEqual(moved.status, { code: 'in_preparation' });
      // The team's own message does not start a cycle: the status stays final.
      assert.deepEqual(apply(ended, { type: 'team_message', by: bob }, later).status, sample[final]);
    }
    // Before a final status, the patient's message leaves the status alone.
    for (const code of ['received', 'in_preparation', 'partial', 'ready'] as const) {
      assert.deepEqual(
        apply(withStatus(sample[code]), { type: 'patient_message' }, later).status,
        sample[code],
      );
    }
  });

  it('the exported table is the one tested', () => {
    assert.deepEqual(STATUS_TRANSITIONS, expected);
  });

  it('partial needs a valid date, today or later (Paris calendar)', () => {
    const from = newConversation(NOW);
    const partial = (restExpectedOn: string) =>
      codeOf(() =>
        apply(from, { type: 'set_status', by: alice, status: { code: 'partial', restExpectedOn } }, NOW),
      );
    assert.equal(partial('2026-03-14'), 'INVALID_REST_DATE');
    assert.equal(partial('2026-02-30'), 'INVALID_REST_DATE');
    assert.equal(partial('demain'), 'INVALID_REST_DATE');
    assert.equal(partial(TODAY), null);
    // 23:30 UTC on the 15th is already the 16th in Paris.
    const late = new Date('2026-03-15T23:30:00Z');
    assert.equal(
      codeOf(() =>
        apply(
          from,
          { type: 'set_status', by: alice, status: { code: 'partial', restExpectedOn: TODAY } },
          late,
        ),
      ),
      'INVALID_REST_DATE',
    );
  });

  it('cannot_fill needs a reason, trimmed, at most 500 characters', () => {
    const from = newConversation(NOW);
    const cannot = (reason: string) => () =>
      apply(from, { type: 'set_status', by: alice, status: { code: 'cannot_fill', reason } }, NOW);
    assert.equal(codeOf(cannot('   ')), 'INVALID_CANNOT_FILL_REASON');
    assert.equal(codeOf(cannot('x'.repeat(501))), 'INVALID_CANNOT_FILL_REASON');
    assert.deepEqual(cannot('  Rupture  ')().status, { code: 'cannot_fill', reason: 'Rupture' });
  });

  it('an unknown status code is refused', () => {
    const status = { code: 'lost' } as unknown as PreparationStatus;
    assert.equal(
      codeOf(() => apply(newConversation(NOW), { type: 'set_status', by: alice, status }, NOW)),
      'INVALID_STATUS',
    );
  });
});

describe('claim and hand-over', () => {
  it('a team member claims an unclaimed conversation; nobody claims it twice', () => {
    const claimed = apply(newConversation(NOW), { type: 'claim', by: alice }, NOW);
    assert.equal(claimed.claimedBy, ALICE);
    assert.equal(
      codeOf(() => apply(claimed, { type: 'claim', by: bob }, NOW)),
      'ALREADY_CLAIMED',
    );
    assert.equal(
      codeOf(() => apply(claimed, { type: 'claim', by: alice }, NOW)),
      'ALREADY_CLAIMED',
    );
  });

  it('pharmacy software cannot claim: a claim names a person', () => {
    assert.equal(
      codeOf(() => apply(newConversation(NOW), { type: 'claim', by: software }, NOW)),
      'CLAIM_NEEDS_A_PERSON',
    );
  });

  it('hands over to a colleague only, and not to the one already handling it', () => {
    const claimed = apply(newConversation(NOW), { type: 'claim', by: alice }, NOW);
    const handed = apply(claimed, { type: 'hand_over', by: alice, to: BOB, toIsColleague: true }, NOW);
    assert.equal(handed.claimedBy, BOB);
    assert.equal(
      codeOf(() => apply(claimed, { type: 'hand_over', by: alice, to: BOB, toIsColleague: false }, NOW)),
      'NOT_A_COLLEAGUE',
    );
    assert.equal(
      codeOf(() => apply(handed, { type: 'hand_over', by: alice, to: BOB, toIsColleague: true }, NOW)),
      'ALREADY_CLAIMED',
    );
    // Software or another member may assign an unclaimed conversation.
    const assigned = apply(
      newConversation(NOW),
      { type: 'hand_over', by: software, to: ALICE, toIsColleague: true },
      NOW,
    );
    assert.equal(assigned.claimedBy, ALICE);
  });
});

describe('close', () => {
  it('after closing, every command is refused with CONVERSATION_CLOSED, and the patient may not write', () => {
    const later = new Date(NOW.getTime() + 60_000);
    const closed = apply(newConversation(NOW), { type: 'close', by: alice }, later);
    assert.equal(closed.closedAt, later.toISOString());
    assert.equal(patientMayWrite(closed), false);
    const commands: ConversationCommand[] = [
      { type: 'patient_message' },
      { type: 'team_message', by: alice },
      { type: 'claim', by: alice },
      { type: 'hand_over', by: alice, to: BOB, toIsColleague: true },
      { type: 'set_status', by: alice, status: { code: 'ready' } },
      { type: 'close', by: alice },
    ];
    for (const command of commands) {
      assert.equal(
        codeOf(() => apply(closed, command, later)),
        'CONVERSATION_CLOSED',
        command.type,
      );
    }
  });

  it('messages keep it open and only move updatedAt', () => {
    const later = new Date(NOW.getTime() + 1000);
    const start = newConversation(NOW);
    for (const command of [{ type: 'patient_message' }, { type: 'team_message', by: bob }] as const) {
      assert.deepEqual(apply(start, command, later), { ...start, updatedAt: later.toISOString() });
    }
  });
});

describe('properties', () => {
  const team = fc.constantFrom(alice, bob, software);
  const status: fc.Arbitrary<PreparationStatus> = fc.oneof(
    fc.constantFrom<PreparationStatus>(
      { code: 'received' },
      { code: 'in_preparation' },
      { code: 'ready' },
      { code: 'collected' },
    ),
    fc
      .oneof(fc.constantFrom('2026-03-14', '2026-03-15', '2026-04-01', '2026-02-30', ''), fc.string())
      .map((restExpectedOn) => ({ code: 'partial' as const, restExpectedOn })),
    fc
      .oneof(fc.string({ maxLength: 600 }), fc.constantFrom(' ', 'Rupture', `${'y'.repeat(500)} `))
      .map((reason) => ({ code: 'cannot_fill' as const, reason })),
  );
  const command: fc.Arbitrary<ConversationCommand> = fc.oneof(
    fc.constant({ type: 'patient_message' as const }),
    team.map((by) => ({ type: 'team_message' as const, by })),
    team.map((by) => ({ type: 'claim' as const, by })),
    fc
      .tuple(team, fc.constantFrom(ALICE, BOB), fc.boolean())
      .map(([by, to, toIsColleague]) => ({ type: 'hand_over' as const, by, to, toIsColleague })),
    fc.tuple(team, status).map(([by, s]) => ({ type: 'set_status' as const, by, status: s })),
    team.map((by) => ({ type: 'close' as const, by })),
  );

  it('no sequence of commands reaches an invalid state; refused commands change nothing; closed stays closed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(command, fc.nat(86_400_000)), { maxLength: 40 }), (steps) => {
        let state = newConversation(NOW);
        let at = NOW.getTime();
        for (const [cmd, delay] of steps) {
          at += delay;
          const before = structuredClone(state);
          try {
            state = apply(state, cmd, new Date(at));
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            assert.deepEqual(state, before);
            continue;
          }
          assert.ok(isValidState(state), JSON.stringify(state));
          // Once closed, the closing instant never moves.
          if (before.closedAt !== null) assert.fail('a closed conversation accepted a command');
          if (state.status.code !== before.status.code) {
            // The team's transitions, or a patient's new request after a final status.
            const renewed =
              cmd.type === 'patient_message' &&
              STATUS_TRANSITIONS[before.status.code].length === 0 &&
              state.status.code === 'received';
            assert.ok(renewed || STATUS_TRANSITIONS[before.status.code].includes(state.status.code));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a closed conversation accepts no patient message, whatever happened before', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), team, (steps, closer) => {
        let state = newConversation(NOW);
        for (const cmd of steps) {
          try {
            state = apply(state, cmd, NOW);
          } catch {}
        }
        if (state.closedAt === null) state = apply(state, { type: 'close', by: closer }, NOW);
        assert.equal(patientMayWrite(state), false);
        assert.equal(
          codeOf(() => apply(state, { type: 'patient_message' }, NOW)),
          'CONVERSATION_CLOSED',
        );
      }),
      { numRuns: 300 },
    );
  });
});
