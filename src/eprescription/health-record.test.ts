import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_CHAIN_KEY } from '../../test/helpers/audit-keys.ts';
import { openTestStore, type TestStore } from '../../test/helpers/test-store.ts';
import { DEFAULT_LIMITS } from '../attachments/limits.ts';
import { processPdf } from '../attachments/pdf.ts';
import { scanPrescriptionNumbers } from '../attachments/qr.ts';
import { createAuditTrail } from '../audit/chained-trail.ts';
import { verifyAuditTrail } from '../audit/verify.ts';
import { DEMO_ACCOUNTS } from '../demo/accounts.ts';
import { demoPrescriptionNumber } from '../demo/health-records.ts';
import { loadDemo } from '../demo/load.ts';
import { fixedClock } from '../time/clock.ts';
import { createHealthRecord, type HealthRecord } from './health-record.ts';
import { createLocalEPrescriptionBase } from './local-base.ts';

const clock = fixedClock('2026-03-15T10:30:00.000Z');
let store: TestStore;
let record: HealthRecord;
const [camilleAccount, lucasAccount] = DEMO_ACCOUNTS.patients;
if (!camilleAccount || !lucasAccount) throw new Error('demo accounts missing');
const camille = { matricule: camilleAccount.matricule, givenNames: 'Camille', familyName: 'Martin' };
const lucas = { matricule: lucasAccount.matricule, givenNames: 'Lucas', familyName: 'Bernard' };

before(async () => {
  store = await openTestStore();
  await loadDemo(store, clock, { windowMonths: 12 });
  const audit = createAuditTrail(store, { key: randomBytes(32), chainKey: TEST_CHAIN_KEY, clock });
  record = createHealthRecord({ db: store.db, audit, prescriptions: createLocalEPrescriptionBase(store.db) });
});
after(() => store.dispose());

describe('the demo health record', () => {
  it('lists two e-prescriptions with their numbers and two other documents, newest first', async () => {
    const docs = await record.documents(camille);
    assert.equal(docs.length, 4);
    const prescriptions = docs.filter((d) => d.kind === 'eprescription');
    assert.deepEqual(
      prescriptions.map((d) => d.prescriptionNumber).sort(),
      [demoPrescriptionNumber(camille.matricule, 0), demoPrescriptionNumber(camille.matricule, 1)].sort(),
    );
    assert.deepEqual(
      docs.map((d) => d.issuedOn),
      docs
        .map((d) => d.issuedOn)
        .sort()
        .reverse(),
    );
    assert.ok(docs.every((d) => d.issuedOn <= '2026-03-15'));
    for (const patient of DEMO_ACCOUNTS.patients) {
      const theirs = await record.documents({ matricule: patient.matricule, givenNames: '', familyName: '' });
      assert.equal(theirs.length, 4, patient.name);
    }
  });

  it('gives an e-prescription as a PDF whose QR code holds its number, the same bytes every time', async () => {
    const docs = await record.documents(camille);
    const doc = docs.find((d) => d.kind === 'eprescription');
    assert.ok(doc?.prescriptionNumber);
    const file = await record.document(camille, doc.id);
    assert.equal(file.mediaType, 'application/pdf');
    assert.equal(file.fileName, `ordonnance-${doc.prescriptionNumber}.pdf`);
    assert.deepEqual(file.prescriptionNumbers, [doc.prescriptionNumber]);
    assert.equal(Buffer.from(file.bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
    const again = await record.document(camille, doc.id);
    assert.deepEqual(Buffer.from(again.bytes), Buffer.from(file.bytes));
    // The attachment pipeline reads the number back from the rendered page.
    const processed = await processPdf(file.bytes, DEFAULT_LIMITS);
    assert.deepEqual(processed.flags, []);
    assert.ok(processed.scans.length > 0, 'the PDF page is rendered for the scan');
    assert.deepEqual(await scanPrescriptionNumbers(processed.scans), [doc.prescriptionNumber]);
  });

  it('gives other documents as PDFs too', async () => {
    const doc = (await record.documents(camille)).find((d) => d.kind === 'document');
    assert.ok(doc);
    const file = await record.document(camille, doc.id);
    assert.deepEqual(file.prescriptionNumbers, []);
    assert.equal(file.fileName, `document-${doc.issuedOn}.pdf`);
    const processed = await processPdf(file.bytes, DEFAULT_LIMITS);
    assert.equal(processed.pages, 1);
  });

  it("another patient's document is NOT_FOUND, like an unknown one, and audited as denied", async () => {
    const doc = (await record.documents(camille))[0];
    assert.ok(doc);
    await assert.rejects(record.document(lucas, doc.id), { code: 'NOT_FOUND' });
    await assert.rejects(record.document(lucas, '0195f3a2-0000-7000-8000-0000000000ff'), {
      code: 'NOT_FOUND',
    });
    await assert.rejects(record.document(lucas, '../../etc/passwd'), { code: 'NOT_FOUND' });
    const refusals = await store.db
      .selectFrom('audit_records')
      .select(['result', 'reason', 'target'])
      .where('action', '=', 'health-record.document')
      .where('result', '!=', 'success')
      .orderBy('seq')
      .execute();
    assert.deepEqual(refusals, [
      { result: 'denied', reason: 'OTHER_TENANT', target: doc.id },
      { result: 'failure', reason: 'UNKNOWN_ID', target: '0195f3a2-0000-7000-8000-0000000000ff' },
      { result: 'failure', reason: 'UNKNOWN_ID', target: null },
    ]);
    assert.equal((await verifyAuditTrail(store, { chainKey: TEST_CHAIN_KEY })).ok, true);
  });
});
