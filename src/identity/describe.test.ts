import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIdentifier, IDENTIFIER_KINDS } from './describe.ts';

// Fixtures are the hand-checked ones of nir.test.ts, finess.test.ts and rpps.test.ts.
describe('describeIdentifier: NIR', () => {
  it('prints the worked example field by field', () => {
    assert.deepEqual(describeIdentifier('nir', '1 75 03 75 123 005 12'), {
      valid: true,
      lines: [
        'NIR : 1 75 03 75 123 005 12',
        'Sexe : homme',
        'Année de naissance : 75',
        'Mois de naissance : 03',
        'Département de naissance : 75',
        'Commune : 123',
        "Numéro d'ordre : 005",
        'Clé : 12 (valide)',
      ],
    });
  });

  it('labels Corsica, overseas, abroad and pseudo months', () => {
    const corsica = describeIdentifier('nir', '270042b03304557');
    assert.equal(corsica.valid, true);
    assert.ok(corsica.lines.includes('NIR : 2 70 04 2B 033 045 57'));
    assert.ok(corsica.lines.includes('Sexe : femme'));
    assert.ok(corsica.lines.includes('Département de naissance : 2B (Corse)'));

    const overseas = describeIdentifier('nir', '285019711234597');
    assert.deepEqual(overseas.lines.slice(4, 6), [
      'Département de naissance : 971 (outre-mer)',
      'Commune : 12',
    ]);

    const abroad = describeIdentifier('nir', '193069913405689');
    assert.deepEqual(abroad.lines.slice(4, 6), [
      "Département de naissance : 99 (naissance à l'étranger)",
      'Pays de naissance (code INSEE) : 134',
    ]);

    const pseudo = describeIdentifier('nir', '155203512345650');
    assert.ok(pseudo.lines.includes('Mois de naissance : 20 (pseudo-valeur : mois inconnu)'));
  });

  it('prints one "Invalide" line with the reason, without the number', () => {
    const result = describeIdentifier('nir', '175037512300513');
    assert.deepEqual(result, {
      valid: false,
      lines: ['Invalide : La clé ne correspond pas au numéro : vérifiez chacun des 15 caractères.'],
    });
    const temporary = describeIdentifier('nir', '7112345678901');
    assert.equal(temporary.valid, false);
    assert.match(temporary.lines[0] ?? '', /^Invalide : .*provisoire/);
  });
});

describe('describeIdentifier: FINESS', () => {
  it('prints a checked number with its national structure id', () => {
    assert.deepEqual(describeIdentifier('finess', '01 000 001 6'), {
      valid: true,
      lines: [
        'FINESS : 010000016',
        'Département : 01',
        'Clé : 6 (valide)',
        'Identifiant national de structure : 1010000016',
      ],
    });
    assert.ok(describeIdentifier('finess', '971000005').lines.includes('Département : 971'));
  });

  it('prints the Corsican warning as "Attention"', () => {
    assert.deepEqual(describeIdentifier('finess', '2a0000123'), {
      valid: true,
      lines: [
        'FINESS : 2A0000123',
        'Département : 2A',
        'Clé : 3 (non vérifiée)',
        'Identifiant national de structure : 12A0000123',
        'Attention : Clé non vérifiée pour les numéros FINESS de Corse.',
      ],
    });
  });

  it('explains an invalid number', () => {
    assert.deepEqual(describeIdentifier('finess', '010000017'), {
      valid: false,
      lines: ['Invalide : La clé du numéro FINESS ne correspond pas : vérifiez chacun des 9 chiffres.'],
    });
  });
});

describe('describeIdentifier: RPPS', () => {
  it('prints a valid number with its national professional id', () => {
    assert.deepEqual(describeIdentifier('rpps', '10001234565'), {
      valid: true,
      lines: [
        'RPPS : 10001234565',
        'Clé : 5 (valide)',
        'Identifiant national de professionnel : 810001234565',
      ],
    });
  });

  it('explains an invalid number', () => {
    assert.deepEqual(describeIdentifier('rpps', '1000000000'), {
      valid: false,
      lines: ['Invalide : Le numéro RPPS doit comporter 11 chiffres.'],
    });
  });

  it('knows exactly the three kinds of the CLI', () => {
    assert.deepEqual([...IDENTIFIER_KINDS], ['nir', 'finess', 'rpps']);
    for (const kind of IDENTIFIER_KINDS) assert.equal(describeIdentifier(kind, '').valid, false);
  });
});
