import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nirBodyArb } from './nir.arbitrary.ts';
import { nirKey, parseNir } from './nir.ts';
import {
  formatPatientAddress,
  PATIENT_DOMAIN,
  type PatientAddressInvalidReason,
  parsePatientAddress,
} from './patient-address.ts';

// NIR fixtures from nir.test.ts (keys checked by hand there).
const NIR = '175037512300512';
const CORSICA = '182012A00412342';

describe('parsePatientAddress: valid addresses', () => {
  const cases = [
    [`${NIR}@patient.mssante.fr`, `${NIR}@patient.mssante.fr`],
    [`${NIR}@PATIENT.MSSANTE.FR`, `${NIR}@patient.mssante.fr`],
    [`${NIR}@Patient.MSSante.fr`, `${NIR}@patient.mssante.fr`],
    ['182012a00412342@patient.mssante.fr', `${CORSICA}@patient.mssante.fr`],
    [`  ${NIR}@patient.mssante.fr\n`, `${NIR}@patient.mssante.fr`],
  ] as const;
  for (const [input, address] of cases) {
    it(`${JSON.stringify(input)} → ${address}`, () => {
      const result = parsePatientAddress(input);
      assert.ok(result.ok);
      assert.equal(result.address, address);
      assert.equal(result.nir.value, address.split('@')[0]);
    });
  }
  it('uses the patient domain', () => assert.equal(PATIENT_DOMAIN, 'patient.mssante.fr'));
});

describe('parsePatientAddress: refused addresses', () => {
  const cases: ReadonlyArray<readonly [string, PatientAddressInvalidReason, string]> = [
    ['', 'EMPTY', 'empty'],
    [' \t', 'EMPTY', 'blank'],
    [NIR, 'BAD_SYNTAX', 'no @'],
    [`"${NIR}"@patient.mssante.fr`, 'BAD_SYNTAX', 'quoted local part'],
    [`Jean Dupont <${NIR}@patient.mssante.fr>`, 'BAD_SYNTAX', 'display name'],
    [`<${NIR}@patient.mssante.fr>`, 'BAD_SYNTAX', 'angle brackets'],
    [`${NIR}@patient.mssante.fr (Jean)`, 'BAD_SYNTAX', 'comment'],
    [`${NIR}(Jean)@patient.mssante.fr`, 'BAD_SYNTAX', 'comment without space'],
    [`${NIR}@patient.mssante.fr,${CORSICA}@patient.mssante.fr`, 'BAD_SYNTAX', 'two addresses'],
    [`${NIR}@@patient.mssante.fr`, 'BAD_SYNTAX', 'double @'],
    [`${NIR}@patient.mssante.fr@patient.mssante.fr`, 'BAD_SYNTAX', 'two @'],
    [`1 75 03 75 123 005 12@patient.mssante.fr`, 'BAD_SYNTAX', 'spaces inside the matricule'],
    [`${NIR}@patient\t.mssante.fr`, 'BAD_SYNTAX', 'tab inside the domain'],
    [`1.75.03.75.123.005.12@patient.mssante.fr`, 'BAD_SYNTAX', 'dots inside the matricule'],
    [`${NIR}+pharma@patient.mssante.fr`, 'BAD_SYNTAX', 'sub-address'],
    [`${NIR}@pаtient.mssante.fr`, 'BAD_SYNTAX', 'Cyrillic а in the domain'],
    [`${NIR}@[192.0.2.1]`, 'BAD_SYNTAX', 'domain literal'],
    [`@patient.mssante.fr`, 'BAD_SYNTAX', 'empty local part'],
    [`${NIR}@mssante.fr`, 'WRONG_DOMAIN', 'professional domain'],
    [`${NIR}@patient.mssante.fr.`, 'WRONG_DOMAIN', 'trailing dot'],
    [`${NIR}@patient.mssante.fr.example.com`, 'WRONG_DOMAIN', 'suffix'],
    [`${NIR}@evil-patient.mssante.fr`, 'WRONG_DOMAIN', 'look-alike subdomain'],
    [`${NIR}@`, 'WRONG_DOMAIN', 'no domain'],
  ];
  for (const [input, reason, why] of cases) {
    it(`${reason}: ${why}`, () => {
      const result = parsePatientAddress(input);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, reason);
      assert.match(result.message, /^[A-ZÀ-Ý].{10,}\.$/u);
    });
  }

  const badNirs = [
    ['175037512300513', 'BAD_KEY', 'wrong key'],
    ['1750375123005', 'MISSING_KEY', 'body without key'],
    ['7112345678901', 'TEMPORARY_NUMBER', 'NNP temporary number'],
    ['5112345678901', 'TEMPORARY_NUMBER', 'MIG temporary number'],
    ['375037512300509', 'BAD_SEX', 'sex 3'],
    ['17503751230051x', 'BAD_CHARACTERS', 'letter'],
  ] as const;
  for (const [local, nirReason, why] of badNirs) {
    it(`BAD_NIR/${nirReason}: ${why}`, () => {
      const result = parsePatientAddress(`${local}@patient.mssante.fr`);
      assert.ok(!result.ok);
      assert.equal(result.reason, 'BAD_NIR');
      assert.ok(result.reason === 'BAD_NIR' && result.nirReason === nirReason);
      assert.ok(!result.message.includes(local), 'never echoes the number');
    });
  }

  it('explains that a temporary number can never be an address', () => {
    const result = parsePatientAddress('7112345678901@patient.mssante.fr');
    assert.ok(!result.ok);
    assert.match(result.message, /numéro provisoire/);
  });
});

describe('formatPatientAddress', () => {
  it('builds the address from a parsed NIR or a string', () => {
    const parsed = parseNir(CORSICA);
    assert.ok(parsed.ok);
    assert.equal(formatPatientAddress(parsed.nir), '182012A00412342@patient.mssante.fr');
    assert.equal(formatPatientAddress('1 75 03 75 123 005 12'), '175037512300512@patient.mssante.fr');
  });

  it('throws a RangeError naming the reason, never the number', () => {
    for (const [bad, reason] of [
      ['175037512300513', 'BAD_KEY'],
      ['7112345678901', 'TEMPORARY_NUMBER'],
    ] as const) {
      assert.throws(
        () => formatPatientAddress(bad),
        (error: unknown) => {
          assert.ok(error instanceof RangeError);
          assert.ok(error.message.includes(reason));
          assert.ok(!error.message.includes(bad));
          return true;
        },
      );
    }
  });

  it('property: parse(format(nir)) gives back the NIR, whatever the domain case', () => {
    const domainCase = fc.array(fc.boolean(), {
      minLength: PATIENT_DOMAIN.length,
      maxLength: PATIENT_DOMAIN.length,
    });
    fc.assert(
      fc.property(nirBodyArb, domainCase, (body, upper) => {
        const nir = parseNir(body + nirKey(body));
        assert.ok(nir.ok);
        const address = formatPatientAddress(nir.nir);
        const [local] = address.split('@');
        const domain = [...PATIENT_DOMAIN].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
        const result = parsePatientAddress(`${local}@${domain}`);
        assert.ok(result.ok);
        assert.equal(result.address, address);
        assert.deepEqual(result.nir, nir.nir);
      }),
    );
  });
});
