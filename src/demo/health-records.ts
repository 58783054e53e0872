import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { HealthDocumentTable, Schema } from '../db/schema.ts';
import type { PrescriptionLine } from '../eprescription/base.ts';
import { type StoredEPrescription, saveEPrescriptions } from '../eprescription/local-base.ts';
import { addDays } from '../time/local-date.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

/**
 * The demo patients' health records ("Mes documents"): two e-prescriptions each (a recent one and
 * a renewal of a long-term treatment), known to the embedded e-prescription base, and two other
 * documents. Dates are relative to the loading day; numbers are derived from the matricule, so
 * a reload gives the same numbers.
 */
interface PrescriptionStory {
  title: string;
  prescriber: string;
  prescriberRpps: string;
  daysAgo: number;
  lines: PrescriptionLine[];
}

const ACUTE: readonly PrescriptionStory[] = [
  {
    title: 'Ordonnance — angine',
    prescriber: 'Dr Hélène Garnier, médecin généraliste',
    prescriberRpps: '10001234568',
    daysAgo: 2,
    lines: [
      {
        label: 'Amoxicilline 1 g, comprimé dispersible',
        quantity: '1 boîte de 14',
        posology: '1 comprimé matin et soir pendant 7 jours',
      },
      {
        label: 'Paracétamol 1 g, comprimé',
        quantity: '1 boîte de 8',
        posology: '1 comprimé jusqu’à 3 fois par jour si douleur ou fièvre',
      },
    ],
  },
  {
    title: 'Ordonnance — entorse de la cheville',
    prescriber: 'Dr Marc Rousseau, médecin du sport',
    prescriberRpps: '10009876541',
    daysAgo: 4,
    lines: [
      {
        label: 'Ibuprofène 400 mg, comprimé',
        quantity: '1 boîte de 12',
        posology: '1 comprimé 3 fois par jour au repas pendant 4 jours',
      },
      {
        label: 'Chevillère ligamentaire, taille M',
        quantity: '1',
        posology: 'À porter dans la journée pendant 3 semaines',
      },
    ],
  },
];

const CHRONIC: readonly PrescriptionStory[] = [
  {
    title: 'Ordonnance — renouvellement du traitement',
    prescriber: 'Dr Hélène Garnier, médecin généraliste',
    prescriberRpps: '10001234568',
    daysAgo: 35,
    lines: [
      {
        label: 'Lévothyroxine sodique 75 µg, comprimé',
        quantity: '3 boîtes de 30',
        posology: '1 comprimé le matin à jeun',
      },
    ],
  },
  {
    title: 'Ordonnance — traitement de fond',
    prescriber: 'Dr Sophie Lambert, pneumologue',
    prescriberRpps: '10005555550',
    daysAgo: 50,
    lines: [
      {
        label: 'Budésonide/formotérol 200/6 µg, poudre pour inhalation',
        quantity: '1 inhalateur',
        posology: '1 inhalation matin et soir',
      },
      {
        label: 'Salbutamol 100 µg, suspension pour inhalation',
        quantity: '1 flacon',
        posology: '1 à 2 bouffées en cas de gêne respiratoire',
      },
    ],
  },
];

const DOCUMENTS = [
  {
    title: 'Compte rendu d’analyses de biologie médicale',
    author: 'Laboratoire de biologie médicale des Halles',
    daysAgo: 20,
    body:
      'Hémogramme, glycémie à jeun et bilan lipidique dans les valeurs de référence.\n' +
      'Compte rendu de démonstration : ces résultats sont fictifs.',
  },
  {
    title: 'Certificat de vaccination',
    author: 'Centre de vaccination municipal',
    daysAgo: 200,
    body: 'Vaccination contre la grippe saisonnière.\nDocument de démonstration.',
  },
] as const;

/** A stable number for the demo: `EP` and 14 upper-case hexadecimal characters. */
export function demoPrescriptionNumber(matricule: string, index: number): string {
  return `EP${createHash('sha256').update(`officine-mss demo prescription ${matricule} ${index}`).digest('hex').slice(0, 14).toUpperCase()}`;
}

export interface DemoHealthRecords {
  prescriptions: StoredEPrescription[];
  documents: HealthDocumentTable[];
}

export function demoHealthRecords(today: string, createdAt: string): DemoHealthRecords {
  const prescriptions: StoredEPrescription[] = [];
  const documents: HealthDocumentTable[] = [];
  DEMO_ACCOUNTS.patients.forEach((patient, p) => {
    const stories = [ACUTE[p % ACUTE.length], CHRONIC[p % CHRONIC.length]] as PrescriptionStory[];
    stories.forEach((story, index) => {
      const number = demoPrescriptionNumber(patient.matricule, index);
      const issuedOn = addDays(today, -story.daysAgo);
      prescriptions.push({
        number,
        matricule: patient.matricule,
        prescriber: story.prescriber,
        prescriberRpps: story.prescriberRpps,
        issuedOn,
        lines: story.lines,
      });
      documents.push({
        id: uuidv7(),
        matricule: patient.matricule,
        kind: 'eprescription',
        title: story.title,
        author: story.prescriber,
        issued_on: issuedOn,
        prescription_number: number,
        body: '',
        created_at: createdAt,
      });
    });
    for (const doc of DOCUMENTS) {
      documents.push({
        id: uuidv7(),
        matricule: patient.matricule,
        kind: 'document',
        title: doc.title,
        author: doc.author,
        issued_on: addDays(today, -doc.daysAgo),
        prescription_number: null,
        body: doc.body,
        created_at: createdAt,
      });
    }
  });
  return { prescriptions, documents };
}

/** Writes the demo health records in the demo's loading transaction. */
export async function saveDemoHealthRecords(trx: Kysely<Schema>, records: DemoHealthRecords): Promise<void> {
  await saveEPrescriptions(trx, records.prescriptions);
  if (records.documents.length > 0)
    await trx.insertInto('health_documents').values(records.documents).execute();
}
