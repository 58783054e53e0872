import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseFiness } from './finess.ts';
import { luhnCheckDigit } from './luhn.ts';
import {
  NIA_OID,
  NIR_OID,
  PROFESSIONAL_ID_OID,
  parseNationalId,
  professionalNationalId,
  STRUCTURE_ID_OID,
  structureNationalId,
} from './national-id.ts';
import { parseRpps } from './rpps.ts';

describe('OIDs', () => {
  it('are the assigning authorities listed in domain.md', () => {
    assert.equal(NIR_OID, '1.2.250.1.213.1.4.8');
    assert.equal(NIA_OID, '1.2.250.1.213.1.4.9');
    assert.equal(PROFESSIONAL_ID_OID, '1.2.250.1.71.4.2.1');
    assert.equal(STRUCTURE_ID_OID, '1.2.250.1.71.4.2.2');
  });
});

describe('building national ids', () => {
  it('professional = 8 + RPPS, from a string or a parsed RPPS', () => {
    assert.equal(professionalNationalId('10001234565'), '810001234565');
    assert.equal(professionalNationalId('100 0123 4565'), '810001234565');
    const parsed = parseRpps('10000000009');
    assert.ok(parsed.ok);
    assert.equal(professionalNationalId(parsed.rpps), '810000000009');
  });

  it('structure = 1 + FINESS, from a string or a parsed FINESS (Corsica included)', () => {
    assert.equal(structureNationalId('010000016'), '1010000016');
    assert.equal(structureNationalId('2a0000123'), '12A0000123');
    const parsed = parseFiness('010780195');
    assert.ok(parsed.ok);
    assert.equal(structureNationalId(parsed.finess), '1010780195');
  });

  it('throws a RangeError naming the reason, never the number', () => {
    assert.throws(
      () => professionalNationalId('10000000007'),
      (error: unknown) => {
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /BAD_KEY/);
        assert.ok(!error.message.includes('10000000007'));
        return true;
      },
    );
    assert.throws(() => structureNationalId('01000001'), /BAD_LENGTH/);
  });
});

describe('parseNationalId', () => {
  it('recognises a professional id', () => {
    const result = parseNationalId('8 10001234565');
    assert.ok(result.ok);
    assert.equal(result.id.kind, 'professional');
    assert.equal(result.id.value, '810001234565');
    assert.ok(result.id.kind === 'professional' && result.id.rpps.value === '10001234565');
  });

  it('recognises a structure id, Corsican warnings included', () => {
    const result = parseNationalId('1010000016');
    assert.ok(result.ok && result.id.kind === 'structure');
    assert.equal(result.id.finess.value, '010000016');
    const corsica = parseNationalId('12a0000123');
    assert.ok(corsica.ok && corsica.id.kind === 'structure');
    assert.equal(corsica.id.value, '12A0000123');
    assert.equal(corsica.id.finess.warnings.length, 1);
  });

  it('explains a bare RPPS or FINESS given without its prefix', () => {
    for (const [bare, hint] of [
      ['10001234565', /RPPS sans préfixe/], // starts with 1, but is no "1 + FINESS"
      ['010000016', /FINESS sans préfixe/],
      ['130783293', /FINESS sans préfixe/], // computed Luhn-valid, starts with 1
      ['800000002', /FINESS sans préfixe/], // computed, starts with 8 (Somme)
    ] as const) {
      const result = parseNationalId(bare);
      assert.equal(result.ok, false, bare);
      assert.ok(!result.ok);
      assert.equal(result.reason, 'MISSING_PREFIX', bare);
      assert.match(result.message, hint);
    }
  });

  it('reports the inner reason of a bad RPPS or FINESS', () => {
    assert.deepEqual(parseNationalId('810000000007'), {
      ok: false,
      reason: 'BAD_RPPS',
      rppsReason: 'BAD_KEY',
      message: 'La clé du numéro RPPS ne correspond pas : vérifiez chacun des 11 chiffres.',
    });
    const finess = parseNationalId('1010000017');
    assert.ok(!finess.ok && finess.reason === 'BAD_FINESS');
    assert.equal(finess.finessReason, 'BAD_KEY');
  });

  it('refuses empty input and unsupported prefixes', () => {
    const empty = parseNationalId('  ');
    assert.ok(!empty.ok);
    assert.equal(empty.reason, 'EMPTY');
    for (const other of ['0123456789', '3123456789', '4ABC']) {
      const result = parseNationalId(other);
      assert.ok(!result.ok);
      assert.equal(result.reason, 'UNSUPPORTED_PREFIX', other);
    }
  });

  it('property: building then parsing gives back the same number', () => {
    const rpps = fc.stringMatching(/^[0-9]{10}$/).map((b) => b + luhnCheckDigit(b));
    const finess = fc.stringMatching(/^[0-9]{8}$/).map((b) => b + luhnCheckDigit(b));
    fc.assert(
      fc.property(rpps, finess, (r, f) => {
        const professional = parseNationalId(professionalNationalId(r));
        assert.ok(professional.ok && professional.id.kind === 'professional');
        assert.equal(professional.id.rpps.value, r);
        const structure = parseNationalId(structureNationalId(f));
        assert.ok(structure.ok && structure.id.kind === 'structure');
        assert.equal(structure.id.finess.value, f);
      }),
    );
  });
});
