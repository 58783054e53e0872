/**
 * The national e-prescription base, as a port (domain note §2): the pharmacist scans or types the
 * unique number printed under the QR code, and retrieves the prescription's lines. The number's
 * length, alphabet and checksum are not public: it is an opaque upper-case alphanumeric token.
 * The embedded implementation (local-base.ts) reads the demo prescriptions from the store.
 */
export interface PrescriptionLine {
  /** The product or substance, dosage and form: `Amoxicilline 1 g, comprimé`. */
  label: string;
  /** How much to dispense: `2 boîtes`. */
  quantity: string;
  /** How to take it: `1 comprimé matin et soir pendant 7 jours`. */
  posology: string;
}

export interface EPrescription {
  number: string;
  lines: PrescriptionLine[];
  /** The prescriber's display name: `Dr Hélène Garnier, médecin généraliste`. */
  prescriber: string;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
}

export interface EPrescriptionBase {
  /** The prescription with that number, or null when the base does not know it. */
  lookup(number: string): Promise<EPrescription | null>;
}

/** Same shape as the attachment pipeline accepts from QR codes (src/attachments/qr.ts). */
const NUMBER = /^[A-Z0-9]{6,64}$/;

/** A typed or scanned number: spaces and dashes dropped, upper-cased; null when not number-shaped. */
export function normalizePrescriptionNumber(input: string): string | null {
  const token = input.replace(/[\s-]/g, '').toUpperCase();
  return NUMBER.test(token) ? token : null;
}
