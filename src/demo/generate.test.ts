import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, eligibleUntil, type Verdict } from '../eligibility/policy.ts';
import { parseFiness } from '../identity/finess.ts';
import { NIR_OID } from '../identity/national-id.ts';
import { parseNir } from '../identity/nir.ts';
import { parseRpps } from '../identity/rpps.ts';
import { addMonths } from '../time/local-date.ts';
import { DEMO_ACCOUNTS, DEMO_PATIENT_COUNT, DEMO_SEED, type DemoData, generateDemo } from './generate.ts';

const TODAY = '2026-03-15';
const WINDOW = 12;
const demo = generateDemo(DEMO_SEED, TODAY, WINDOW);

/** The policy's verdict for every pharmacy of a patient's history, from the generated rows. */
function verdicts(
  data: DemoData,
  matricule: string,
  today: string,
  windowMonths: number,
): Map<string, Verdict> {
  const last = new Map<string, string | null>();
  for (const d of data.dispensations) {
    if (d.matricule !== matricule) continue;
    const previous = last.get(d.finess) ?? null;
    if (!d.reimbursed) last.set(d.finess, previous);
    else last.set(d.finess, previous === null || d.date > previous ? d.date : previous);
  }
  const out = new Map<string, Verdict>();
  for (const [finess, lastReimbursedOn] of last) {
    const pharmacy = data.pharmacies.find((p) => p.finess === finess);
    const facts = {
      known: pharmacy !== undefined,
      hasPublishedMailbox: pharmacy?.mailbox?.published === true,
      lastReimbursedOn,
    };
    out.set(finess, decide(facts, today, windowMonths));
  }
  return out;
}

const previousMonth = (today: string) => addMonths(`${today.slice(0, 8)}01`, -1).slice(0, 7);
const expiredLastMonth = (v: Verdict, today: string) =>
  !v.eligible && v.reason === 'EXPIRED' && v.eligibleUntil.slice(0, 7) === previousMonth(today);

describe('generateDemo', () => {
  it('has the expected sizes', () => {
    assert.equal(demo.pharmacies.length, 36);
    assert.equal(demo.patients.length, DEMO_PATIENT_COUNT);
    assert.ok(demo.dispensations.length > DEMO_PATIENT_COUNT * 3);
  });

  it('is deterministic for a seed and a day, and differs with the seed', () => {
    assert.deepEqual(generateDemo(DEMO_SEED, TODAY, WINDOW), demo);
    const other = generateDemo(DEMO_SEED + 1, TODAY, WINDOW);
    assert.notDeepEqual(other.patients, demo.patients);
    // The demo accounts do not depend on the seed.
    assert.deepEqual(
      other.patients.slice(0, DEMO_ACCOUNTS.patients.length).map((p) => p.matricule),
      DEMO_ACCOUNTS.patients.map((p) => p.matricule),
    );
  });

  it('gives every patient a valid, unique, qualified NIR consistent with sex, birth and birthplace', () => {
    assert.equal(new Set(demo.patients.map((p) => p.matricule)).size, demo.patients.length);
    for (const p of demo.patients) {
      const parsed = parseNir(p.matricule);
      assert.ok(parsed.ok, `${p.given_names} ${p.family_name}`);
      const { nir } = parsed;
      assert.equal(nir.sex, p.sex);
      assert.equal(nir.birthYear, p.birth_date.slice(2, 4));
      assert.equal(nir.birthMonth, p.birth_date.slice(5, 7));
      assert.equal(nir.value.slice(5, 10), p.birthplace_code);
      assert.ok(Number(nir.order) >= 1 && Number(nir.order) <= 999);
      assert.equal(p.oid, NIR_OID);
      assert.equal(p.identity_status, 'QUAL');
      assert.ok(
        p.birth_date < TODAY &&
          p.created_at.slice(0, 10) <= TODAY &&
          p.created_at.slice(0, 10) >= p.birth_date,
      );
    }
    const kinds = new Set(
      demo.patients.map((p) => {
        const parsed = parseNir(p.matricule);
        return parsed.ok ? parsed.nir.place : 'invalid';
      }),
    );
    assert.deepEqual([...kinds].sort(), ['corse', 'etranger', 'metropole', 'outre-mer']);
    const minors = demo.patients.filter((p) => p.birth_date > addMonths(TODAY, -18 * 12));
    assert.ok(minors.length >= 20, `${minors.length} minors`);
  });

  it('staffs every pharmacy with valid RPPS: one titulaire, 0–2 adjoints, 1–2 préparateurs', () => {
    for (const p of demo.professionals) assert.ok(parseRpps(p.rpps).ok, p.rpps);
    for (const pharmacy of demo.pharmacies) {
      const team = demo.professionals.filter((p) => p.finess === pharmacy.finess);
      const count = (role: string) => team.filter((p) => p.role === role).length;
      assert.equal(count('titulaire'), 1, pharmacy.name);
      assert.ok(count('adjoint') <= 2, pharmacy.name);
      assert.ok(count('preparateur') >= 1 && count('preparateur') <= 2, pharmacy.name);
    }
    const places = new Map<string, Set<string>>();
    for (const p of demo.professionals) places.set(p.rpps, (places.get(p.rpps) ?? new Set()).add(p.finess));
    assert.equal(
      [...places.values()].filter((s) => s.size === 2).length,
      1,
      'one pharmacist works at two pharmacies',
    );
    for (const account of DEMO_ACCOUNTS.professionals) {
      assert.ok(
        demo.professionals.some(
          (p) => p.rpps === account.rpps && p.role === account.role && p.finess === account.finess,
        ),
      );
    }
  });

  it('dispenses at known pharmacies with valid FINESS numbers, never after today', () => {
    const known = new Set(demo.pharmacies.map((p) => p.finess));
    const patients = new Set(demo.patients.map((p) => p.matricule));
    for (const d of demo.dispensations) {
      assert.ok(known.has(d.finess) && parseFiness(d.finess).ok);
      assert.ok(patients.has(d.matricule));
      assert.ok(d.date <= TODAY, d.date);
    }
    assert.ok(demo.dispensations.some((d) => !d.reimbursed));
  });

  it('gives every patient an eligible pharmacy and one whose eligibility ended last month', () => {
    for (const p of demo.patients) {
      const list = [...verdicts(demo, p.matricule, TODAY, WINDOW).values()];
      assert.ok(list.length >= 2 && list.length <= 6);
      assert.ok(
        list.some((v) => v.eligible),
        p.matricule,
      );
      assert.ok(
        list.some((v) => expiredLastMonth(v, TODAY)),
        p.matricule,
      );
    }
  });

  it('gives each demo account every story, across days and windows', () => {
    for (const [today, windowMonths] of [
      [TODAY, 12],
      ['2028-03-01', 12],
      ['2027-12-31', 12],
      ['2026-03-31', 3],
      ['2025-01-01', 6],
    ] as const) {
      const data = generateDemo(DEMO_SEED, today, windowMonths);
      for (const account of DEMO_ACCOUNTS.patients) {
        const list = [...verdicts(data, account.matricule, today, windowMonths).values()];
        const eligible = list.filter((v) => v.eligible);
        assert.ok(eligible.length >= 2, `${account.name} ${today}`);
        for (const v of eligible)
          assert.ok(v.eligible && eligibleUntil(v.lastReimbursedOn, windowMonths) >= today);
        assert.ok(
          list.some((v) => expiredLastMonth(v, today)),
          `${account.name} ${today}`,
        );
        assert.ok(list.some((v) => !v.eligible && v.reason === 'EXPIRED' && !expiredLastMonth(v, today)));
        assert.ok(
          list.some((v) => !v.eligible && v.reason === 'NO_PUBLISHED_MAILBOX'),
          account.name,
        );
        assert.ok(
          list.some((v) => !v.eligible && v.reason === 'NO_REIMBURSED_DISPENSATION'),
          account.name,
        );
      }
    }
  });

  it('makes the demo pharmacy eligible for every demo patient', () => {
    const finess = DEMO_ACCOUNTS.professionals[0]?.finess ?? '';
    for (const account of DEMO_ACCOUNTS.patients) {
      assert.equal(
        verdicts(demo, account.matricule, TODAY, WINDOW).get(finess)?.eligible,
        true,
        account.name,
      );
    }
  });
});
