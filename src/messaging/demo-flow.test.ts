import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { type App, createApp } from '../app.ts';
import type { ProcessedAttachment } from '../attachments/attachment.ts';
import { chainKeyOf } from '../audit/chain-key.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { loadConfig } from '../config.ts';
import { DEMO_ACCOUNTS, DEMO_PHARMACY } from '../demo/accounts.ts';
import { loadDemo } from '../demo/load.ts';
import type { DomainError } from '../domain-error.ts';
import { fixedClock } from '../time/clock.ts';
import { addMonths } from '../time/local-date.ts';
import type { PatientActor, TeamMember } from './actors.ts';

/**
 * The demo as a new user meets it, through the app's composition root: a demo patient sends an
 * e-prescription from her health record to the demo pharmacy, is refused by the pharmacy whose
 * eligibility ended last month, and the demo team reads the prescription's lines.
 */
const clock = fixedClock('2026-03-15T10:30:00.000Z');
let store: TestStore;
let app: App;
let dataDir: string;
const account = DEMO_ACCOUNTS.patients[0];
const titulaire = DEMO_ACCOUNTS.professionals[0];
if (!account || !titulaire) throw new Error('demo accounts missing');
const patient: PatientActor = { matricule: account.matricule, givenNames: 'Camille', familyName: 'Martin' };
const team: TeamMember = { kind: 'professional', rpps: titulaire.rpps };

before(async () => {
  store = await openTestStore();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-demo-flow-'));
  const config = loadConfig({ DATA_DIR: dataDir, AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('hex') });
  app = await createApp(config, { store, clock });
  await loadDemo(store, clock, { windowMonths: config.eligibilityWindowMonths });
});
after(async () => {
  await store.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** What the attachment pipeline makes of a PDF picked from the health record: stored, then described. */
async function fromRecord(file: {
  fileName: string;
  bytes: Uint8Array;
  prescriptionNumbers: string[];
}): Promise<ProcessedAttachment> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  assert.deepEqual(await app.blobs.put(Buffer.from(file.bytes)), { sha256, size: file.bytes.byteLength });
  return {
    kind: 'pdf',
    mediaType: 'application/pdf',
    sourceType: 'application/pdf',
    sourceSha256: sha256,
    sourceSize: file.bytes.byteLength,
    fileName: file.fileName,
    blob: { sha256, size: file.bytes.byteLength },
    thumbnail: null,
    width: null,
    height: null,
    pages: 1,
    flags: [],
    prescriptionNumbers: file.prescriptionNumbers,
  };
}

describe('demo: a patient sends an e-prescription, the team reads it', () => {
  let conversationId = '';
  let number = '';

  it('the demo patient writes to the demo pharmacy with an e-prescription from her record', async () => {
    const writable = await app.messaging.patient.eligiblePharmacies(patient);
    assert.ok(writable.some((p) => p.finess === DEMO_PHARMACY.finess));
    const doc = (await app.healthRecord.documents(patient)).find((d) => d.kind === 'eprescription');
    assert.ok(doc?.prescriptionNumber);
    number = doc.prescriptionNumber;
    const file = await app.healthRecord.document(patient, doc.id);
    const sent = await app.messaging.patient.startConversation(patient, {
      finess: DEMO_PHARMACY.finess,
      subject: 'Mon ordonnance',
      text: 'Bonjour, pouvez-vous préparer cette ordonnance ?',
      attachments: [await fromRecord(file)],
    });
    conversationId = sent.conversation.id;
    assert.deepEqual(sent.message.attachments[0]?.prescriptionNumbers, [number]);
    assert.match(sent.message.messageId, /^<[0-9a-f-]{36}@officine-mss\.localhost>$/);
  });

  it('is refused by the pharmacy whose eligibility ended last month, with the explanation', async () => {
    const history = await app.eligibility.history(patient.matricule, '2026-03-15');
    const lastMonth = addMonths('2026-03-01', -1).slice(0, 7);
    const expired = history.find(
      (h) =>
        !h.verdict.eligible &&
        h.verdict.reason === 'EXPIRED' &&
        h.verdict.eligibleUntil.startsWith(lastMonth),
    );
    assert.ok(expired, 'the demo patient has a pharmacy whose eligibility ended last month');
    await assert.rejects(
      app.messaging.patient.startConversation(patient, {
        finess: expired.finess,
        subject: 'Ordonnance',
        text: 'Bonjour',
        attachments: [
          await fromRecord({ fileName: 'x.pdf', bytes: new Uint8Array([1]), prescriptionNumbers: [] }),
        ],
      }),
      (error: DomainError) => {
        assert.equal(error.code, 'PHARMACY_NOT_ELIGIBLE');
        assert.equal(error.details.reason, 'EXPIRED');
        assert.equal(error.details.explanation, expired.explanation);
        assert.equal(error.message, expired.explanation);
        return true;
      },
    );
  });

  it("the demo team sees it and reads the prescription's lines from the e-prescription base", async () => {
    const list = await app.messaging.team.listConversations(team, DEMO_PHARMACY.finess, { filter: 'new' });
    assert.ok(list.items.some((c) => c.id === conversationId));
    const prescription = await app.messaging.prescriptions.lookup(team, conversationId, number.toLowerCase());
    assert.equal(prescription.number, number);
    assert.ok(prescription.lines.length >= 1);
    assert.ok(prescription.lines.every((l) => l.label && l.quantity && l.posology));
    await assert.rejects(app.messaging.prescriptions.lookup(team, conversationId, 'EP0000000000'), {
      code: 'PRESCRIPTION_NOT_IN_CONVERSATION',
    });
    const outsider: TeamMember = {
      kind: 'software',
      credentialId: '0195f3a2-0000-7000-8000-00000000c003',
      finess: '010000016',
    };
    await assert.rejects(app.messaging.prescriptions.lookup(outsider, conversationId, number), {
      code: 'NOT_FOUND',
    });
    assert.equal((await verifyAuditTrail(store, { chainKey: chainKeyOf(app.config) })).ok, true);
  });
});
