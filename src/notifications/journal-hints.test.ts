import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  camille,
  EXPIRED,
  MARKET,
  openMessagingFixture,
  photo,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import { DomainError } from '../domain-error.ts';
import { createMessagingService } from '../messaging/service.ts';
import { type JournalHint, mailboxStreamKey, patientStreamKey } from './bus.ts';
import { mailboxJournalHead, patientJournalHead } from './journal.ts';

/**
 * The messaging use cases publish a hint per journal entry, once the action's transaction has
 * committed (readers must already see what a hint announces), keyed without any NIR; a refused
 * action publishes nothing.
 */
describe('journal hints from messaging', () => {
  it('are published after the commit, for the mailbox and the patient, with no matricule', async () => {
    const f = await openMessagingFixture(await openTestStore());
    try {
      const published: { hints: JournalHint[]; heads: number[] }[] = [];
      const pending: Promise<void>[] = [];
      const bus = {
        publish(hints: readonly JournalHint[]) {
          // What a reader in another connection sees at this moment.
          pending.push(
            (async () => {
              const mailbox = await f.store.db
                .selectFrom('mailboxes')
                .select('id')
                .where('pharmacy_finess', '=', MARKET)
                .executeTakeFirstOrThrow();
              published.push({
                hints: [...hints],
                heads: [
                  await mailboxJournalHead(f.store.db, mailbox.id),
                  await patientJournalHead(f.store.db, camille.matricule),
                ],
              });
            })(),
          );
        },
      };
      const service = createMessagingService({ ...f.deps, bus });
      const { conversation } = await service.patient.startConversation(camille, {
        finess: MARKET,
        subject: 'Ordonnance',
        text: 'Bonjour',
        attachments: [photo()],
      });
      await Promise.all(pending);
      const mailboxId = await f.mailboxOf(conversation.id);
      assert.deepEqual(published, [
        {
          hints: [
            { key: mailboxStreamKey(mailboxId), seq: 1 },
            { key: patientStreamKey(f.audit.patientPseudonym(camille.matricule)), seq: 1 },
          ],
          heads: [1, 1],
        },
      ]);
      assert.ok(!JSON.stringify(published).includes(camille.matricule));

      published.length = 0;
      await assert.rejects(
        service.patient.startConversation(camille, {
          finess: EXPIRED,
          subject: 'Ordonnance',
          text: 'Bonjour',
          attachments: [photo()],
        }),
        (error) => error instanceof DomainError && error.code === 'PHARMACY_NOT_ELIGIBLE',
      );
      await Promise.all(pending);
      assert.deepEqual(published, []);
    } finally {
      await f.dispose();
    }
  });
});
