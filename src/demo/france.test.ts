import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPharmacyRow } from '../directory/pharmacy-row.ts';
import { parseFiness } from '../identity/finess.ts';
import { parseNir } from '../identity/nir.ts';
import {
  ALL_BIRTHPLACES,
  BIRTHPLACES,
  FAMILY_NAMES,
  GIVEN_NAMES_F,
  GIVEN_NAMES_M,
  PHARMACIES,
} from './france.ts';
import { finessWithKey, nirFromParts, rppsWithKey, slugify } from './identifiers.ts';

describe('demo pharmacies', () => {
  it('are a few dozen, with valid and distinct site and legal-entity FINESS numbers', () => {
    assert.ok(PHARMACIES.length >= 30 && PHARMACIES.length <= 40);
    const numbers = new Set<string>();
    for (const p of PHARMACIES) {
      for (const finess of [p.finess, p.legalFiness ?? '']) {
        const parsed = parseFiness(finess);
        assert.ok(parsed.ok, `${p.name}: ${finess}`);
        assert.equal(parsed.finess.departement, p.departement);
        assert.equal(parsed.finess.keyChecked, !/^2[AB]/.test(finess));
        numbers.add(finess);
      }
      assert.ok(
        p.postcode.startsWith(p.departement === '2A' || p.departement === '2B' ? '20' : p.departement),
      );
      assert.match(p.phone ?? '', /^0\d( \d\d){4}$/);
      assert.match(p.openingHours ?? '', /\dh\d\d–\d+h\d\d/);
    }
    assert.equal(numbers.size, PHARMACIES.length * 2);
  });

  it('cover Corsica, overseas, the big cities and rural départements', () => {
    const departements = new Set(PHARMACIES.map((p) => p.departement));
    for (const d of ['2A', '2B', '971', '974', '75', '69', '13', '59', '33', '67', '23', '48', '15']) {
      assert.ok(departements.has(d), `département ${d}`);
    }
    assert.ok(PHARMACIES.some((p) => p.finess.startsWith('9710')));
    assert.ok(PHARMACIES.some((p) => p.finess.startsWith('9740')));
  });

  it('mostly publish an organisational mailbox; a couple are on the liste rouge and a couple have none', () => {
    const published = PHARMACIES.filter((p) => p.mailbox?.published === true);
    const redList = PHARMACIES.filter((p) => p.mailbox?.published === false);
    const none = PHARMACIES.filter((p) => p.mailbox === null);
    assert.ok(published.length > PHARMACIES.length * 0.8);
    assert.ok(redList.length >= 2 && none.length >= 2);
    const addresses = PHARMACIES.flatMap((p) => (p.mailbox ? [p.mailbox.address] : []));
    assert.equal(new Set(addresses).size, addresses.length);
    for (const a of addresses) assert.match(a, /^[a-z0-9-]+@pharmacie\.mssante\.fr$/);
  });

  it('pass the directory import check as a pharmacy file row would', () => {
    for (const p of PHARMACIES) {
      const columns: Record<string, string> = {
        nofinesset: p.finess,
        nofinessej: p.legalFiness ?? '',
        rs: p.name,
        voie: p.address,
        codepostal: p.postcode,
        commune: p.city,
        categetab: '620',
        telephone: p.phone ?? '',
        horaires: p.openingHours ?? '',
        bal_org: p.mailbox?.address ?? '',
        bal_liste_rouge: p.mailbox && !p.mailbox.published ? 'O' : 'N',
      };
      const row = checkPharmacyRow((column) => columns[column] ?? '');
      assert.equal(row.kind, 'pharmacy', p.name);
      if (row.kind === 'pharmacy') assert.deepEqual(row.record, p);
    }
  });
});

describe('demo names and birthplaces', () => {
  it('offer enough French names', () => {
    assert.ok(GIVEN_NAMES_F.length >= 20 && GIVEN_NAMES_M.length >= 20 && FAMILY_NAMES.length >= 40);
    for (const name of [...GIVEN_NAMES_F, ...GIVEN_NAMES_M, ...FAMILY_NAMES])
      assert.match(name, /^\p{Lu}[\p{L} '-]+$/u);
  });

  it('give birthplace codes that make valid NIRs in the right area', () => {
    const places = {
      metropole: 'metropole',
      corse: 'corse',
      'outre-mer': 'outre-mer',
      etranger: 'etranger',
    } as const;
    for (const b of ALL_BIRTHPLACES) {
      const parsed = parseNir(
        nirFromParts({ sex: 'F', birthDate: '1990-05-17', birthplace: b.code, order: 12 }),
      );
      assert.ok(parsed.ok, `${b.code} ${b.label}`);
      assert.equal(parsed.nir.place, places[b.area]);
    }
    assert.ok(
      BIRTHPLACES.corse.some((b) => b.code.startsWith('2A')) &&
        BIRTHPLACES.corse.some((b) => b.code.startsWith('2B')),
    );
    for (const code of ['99109', '99134', '99350', '99352'])
      assert.ok(BIRTHPLACES.etranger.some((b) => b.code === code));
  });
});

describe('identifier builders', () => {
  it('append the right keys', () => {
    assert.equal(finessWithKey('01000001'), '010000016');
    assert.equal(rppsWithKey('1000231457').length, 11);
    assert.throws(() => finessWithKey('7500034'), RangeError);
    assert.throws(
      () => nirFromParts({ sex: 'M', birthDate: '1990-01-01', birthplace: '75112', order: 0 }),
      RangeError,
    );
    assert.equal(
      slugify("Pharmacie du Champ d'Arbaud Pointe-à-Pitre"),
      'pharmacie-du-champ-d-arbaud-pointe-a-pitre',
    );
  });
});
