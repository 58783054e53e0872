import type { Kysely } from 'kysely';
import type { AuditTrail } from '../audit/trail.ts';
import type { Schema } from '../db/schema.ts';
import { DomainError } from '../domain-error.ts';
import type { EPrescriptionBase } from './base.ts';
import { renderHealthDocumentPdf } from './pdf.ts';

/**
 * The patient's health record as the patient app shows it ("Mes documents"): e-prescriptions
 * (unique number + PDF) and other documents, each readable as a PDF generated from its data. A
 * patient picks an e-prescription from here to send it: the HTTP layer hands `document().bytes`
 * to the attachment pipeline and the prescription number travels with it.
 */
export interface HealthDocumentSummary {
  id: string;
  kind: 'eprescription' | 'document';
  title: string;
  author: string;
  issuedOn: string;
  /** E-prescriptions only. */
  prescriptionNumber: string | null;
}

export interface HealthDocumentFile {
  document: HealthDocumentSummary;
  fileName: string;
  mediaType: 'application/pdf';
  bytes: Uint8Array;
  /** The numbers this file carries (its QR code): the e-prescription's own. */
  prescriptionNumbers: string[];
}

export interface HealthRecordPatient {
  matricule: string;
  givenNames: string;
  familyName: string;
}

export interface HealthRecordContext {
  requestId?: string | null;
}

export interface HealthRecord {
  /** The patient's documents, newest first. */
  documents(patient: HealthRecordPatient, context?: HealthRecordContext): Promise<HealthDocumentSummary[]>;
  /** One of the patient's documents as a PDF; another patient's or an unknown id: NOT_FOUND. */
  document(
    patient: HealthRecordPatient,
    documentId: string,
    context?: HealthRecordContext,
  ): Promise<HealthDocumentFile>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createHealthRecord(deps: {
  db: Kysely<Schema>;
  audit: AuditTrail;
  prescriptions: EPrescriptionBase;
}): HealthRecord {
  const { db, audit, prescriptions } = deps;
  const trace = (
    patient: HealthRecordPatient,
    action: string,
    context: HealthRecordContext | undefined,
    target: string | null,
    result: 'success' | 'failure' | 'denied',
    reason: string | null = null,
  ) =>
    audit.record({
      actor: { kind: 'patient', pseudonym: audit.patientPseudonym(patient.matricule) },
      action,
      target,
      requestId: context?.requestId ?? null,
      result,
      reason,
    });
  const summary = (row: {
    id: string;
    kind: 'eprescription' | 'document';
    title: string;
    author: string;
    issued_on: string;
    prescription_number: string | null;
  }): HealthDocumentSummary => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    author: row.author,
    issuedOn: row.issued_on,
    prescriptionNumber: row.prescription_number,
  });

  return {
    async documents(patient, context) {
      const rows = await db
        .selectFrom('health_documents')
        .select(['id', 'kind', 'title', 'author', 'issued_on', 'prescription_number'])
        .where('matricule', '=', patient.matricule)
        .orderBy('issued_on', 'desc')
        .orderBy('id', 'desc')
        .execute();
      await trace(patient, 'health-record.list', context, null, 'success');
      return rows.map(summary);
    },

    async document(patient, documentId, context) {
      const id = UUID.test(documentId) ? documentId : null;
      const row =
        id === null
          ? undefined
          : await db.selectFrom('health_documents').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row || row.matricule !== patient.matricule) {
        await trace(
          patient,
          'health-record.document',
          context,
          id,
          row ? 'denied' : 'failure',
          row ? 'OTHER_TENANT' : 'UNKNOWN_ID',
        );
        throw new DomainError('NOT_FOUND', 'Document introuvable.');
      }
      const prescription =
        row.prescription_number === null ? null : await prescriptions.lookup(row.prescription_number);
      const bytes = await renderHealthDocumentPdf({
        title: row.title,
        author: row.author,
        issuedOn: row.issued_on,
        patientName: `${patient.givenNames} ${patient.familyName}`,
        body: row.body,
        prescription,
      });
      await trace(patient, 'health-record.document', context, row.id, 'success');
      return {
        document: summary(row),
        fileName: row.prescription_number
          ? `ordonnance-${row.prescription_number}.pdf`
          : `document-${row.issued_on}.pdf`,
        mediaType: 'application/pdf',
        bytes,
        prescriptionNumbers: prescription ? [prescription.number] : [],
      };
    },
  };
}
