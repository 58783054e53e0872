import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import {
  alice,
  camille,
  MARKET,
  type MessagingFixture,
  openMessagingFixture,
  pdf,
  photo,
} from '../../test/helpers/messaging-fixture.ts';
import { openTestStore } from '../../test/helpers/test-store.ts';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { createFileBlobStore } from '../attachments/blob-store.ts';
import { DomainError } from '../domain-error.ts';
import { closesConversation } from '../mail/mss-headers.ts';
import { parseMail } from '../mail/parse.ts';
import { renderedSize, renderMail } from '../mail/render.ts';
import { loadMessageAsMail, type MailLoaderDeps } from './as-mail.ts';

let f: MessagingFixture;
let blobDir: string;
let deps: MailLoaderDeps;
let blobReads: string[];
const blobs = () => createFileBlobStore({ root: blobDir, key: Buffer.alloc(32, 9) });

before(async () => {
  f = await openMessagingFixture(await openTestStore());
  blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-mail-blobs-'));
  blobReads = [];
  const store = blobs();
  deps = {
    db: f.store.db,
    blobs: {
      get: (sha256) => {
        blobReads.push(sha256);
        return store.get(sha256);
      },
    },
    nil: 'Officine MSS test',
  };
});
after(async () => {
  await f.dispose();
  fs.rmSync(blobDir, { recursive: true, force: true });
});

/** An attachment record whose blob really is in the blob store. */
async function stored(base: ProcessedAttachment, bytes: Buffer): Promise<ProcessedAttachment> {
  return { ...base, blob: await blobs().put(bytes) };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('a stored message as mail', () => {
  const photoBytes = randomBytes(200_000);
  const pdfBytes = randomBytes(70_001);
  let first: { conversationId: string; messageId: string; rfcId: string };

  before(async () => {
    const attachments = [
      await stored({ ...photo('a'), fileName: 'ordonnance été.jpg' }, photoBytes),
      await stored(pdf('b'), pdfBytes),
    ];
    const { conversation, message } = await f.service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'Renouvellement — insuline',
      text: 'Bonjour,\nvoici mon ordonnance.',
      attachments,
    });
    first = { conversationId: conversation.id, messageId: message.id, rfcId: message.messageId };
  });

  it("a patient's message goes from the patient's address to the pharmacy's ORG mailbox", async () => {
    const input = await loadMessageAsMail(deps, first.messageId);
    assert.deepEqual(input.from, {
      address: `${camille.matricule}@patient.mssante.fr`,
      name: 'Camille Martin',
    });
    assert.deepEqual(input.to, [
      { address: `officine.${MARKET}@pharmacie.mssante.fr`, name: 'Pharmacie du Marché' },
    ]);
    assert.equal(input.subject, 'Renouvellement — insuline');
    assert.equal(input.messageId, first.rfcId);
    assert.equal(input.inReplyTo, null);
    assert.deepEqual(input.references, []);
    assert.equal(input.text, 'Bonjour,\nvoici mon ordonnance.');
    assert.equal(input.nil, 'Officine MSS test');
    assert.equal(input.fin, false);
    assert.deepEqual(
      input.attachments?.map((a) => [a.filename, a.contentType, a.size]),
      [
        ['ordonnance été.jpg', 'image/jpeg', photoBytes.length],
        ['document-b.pdf', 'application/pdf', pdfBytes.length],
      ],
    );
  });

  it('renders with the blobs opened in turn, and parses back to the same fields and bytes', async () => {
    const input = await loadMessageAsMail(deps, first.messageId);
    blobReads.length = 0;
    assert.equal(await renderedSize(input), (await buffer(renderMail(input))).length);
    // renderedSize opened nothing; the rendering read each blob once.
    assert.equal(blobReads.length, 2);
    const files: Array<[string | null, string]> = [];
    const parsed = await parseMail(renderMail(input), {
      onAttachment: async (info, content) => {
        files.push([info.filename, sha(await buffer(content))]);
      },
    });
    assert.equal(parsed.headers.messageId, first.rfcId);
    assert.equal(parsed.headers.subject, 'Renouvellement — insuline');
    assert.equal(parsed.headers.nil, 'Officine MSS test');
    assert.equal(parsed.text, 'Bonjour,\nvoici mon ordonnance.');
    assert.deepEqual(files, [
      ['ordonnance été.jpg', sha(photoBytes)],
      ['document-b.pdf', sha(pdfBytes)],
    ]);
  });

  it("the team's reply goes the other way, as Re:, threaded on the first message", async () => {
    const { message } = await f.service.team.reply(alice, first.conversationId, { text: 'Bien reçu.' });
    const input = await loadMessageAsMail(deps, message.id);
    assert.equal(input.from.address, `officine.${MARKET}@pharmacie.mssante.fr`);
    assert.equal(input.to[0]?.address, `${camille.matricule}@patient.mssante.fr`);
    assert.equal(input.subject, 'Re: Renouvellement — insuline');
    assert.equal(input.inReplyTo, first.rfcId);
    assert.deepEqual(input.references, [first.rfcId]);
    assert.deepEqual(input.attachments, []);
    const parsed = await parseMail(renderMail(input));
    assert.equal(parsed.headers.inReplyTo, first.rfcId);
    assert.deepEqual(parsed.headers.references, [first.rfcId]);
    assert.equal(closesConversation(parsed.headers), false);
  });

  it('the message that closed the conversation carries X-MSS-MES: FIN', async () => {
    await f.service.team.close(alice, first.conversationId, { text: 'Commande retirée, bonne journée.' });
    const last = await f.store.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', first.conversationId)
      .orderBy('position', 'desc')
      .executeTakeFirstOrThrow();
    const input = await loadMessageAsMail(deps, last.id);
    assert.equal(input.fin, true);
    const parsed = await parseMail(renderMail(input));
    assert.equal(parsed.headers.mssMes, 'FIN');
    assert.equal(closesConversation(parsed.headers), true);
  });

  it('a subject that already starts with Re: does not get a second one', async () => {
    const { conversation } = await f.service.patient.startConversation(camille, {
      finess: MARKET,
      subject: 'RE: ma commande',
      text: 'Suite à notre échange.',
      attachments: [await stored(pdf('c'), randomBytes(10))],
    });
    const { message } = await f.service.team.reply(alice, conversation.id, { text: 'Bien noté.' });
    assert.equal((await loadMessageAsMail(deps, message.id)).subject, 'RE: ma commande');
  });

  it('an unknown message is NOT_FOUND', async () => {
    await assert.rejects(
      loadMessageAsMail(deps, '0195f3a2-0000-7000-8000-00000000dead'),
      (error: unknown) => error instanceof DomainError && error.code === 'NOT_FOUND',
    );
  });
});
