import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nirFrom, rppsFrom } from '../../test/helpers/identifiers.ts';
import { NIA_OID, NIR_OID } from '../identity/national-id.ts';
import { acrSatisfies, patientFromClaims, professionalFromClaims } from './claims.ts';

const matricule = nirFrom('2880675112214');
const rpps = rppsFrom('1000231457');
const patient = {
  sub: 'x',
  ins_matricule: matricule,
  ins_oid: NIR_OID,
  ins_status: 'QUAL',
  given_name: 'Camille',
  family_name: 'Martin',
};

test('acr levels are ordered eidas1 < eidas2 < eidas3; anything else fails', () => {
  assert.equal(acrSatisfies('eidas2', 'eidas2'), true);
  assert.equal(acrSatisfies('eidas3', 'eidas2'), true);
  assert.equal(acrSatisfies('eidas1', 'eidas2'), false);
  assert.equal(acrSatisfies(undefined, 'eidas1'), false);
  assert.equal(acrSatisfies('urn:other', 'eidas1'), false);
});

test('a patient needs a valid, qualified matricule INS and names', () => {
  assert.deepEqual(patientFromClaims(patient), {
    ok: true,
    value: { matricule, givenNames: 'Camille', familyName: 'Martin' },
  });
  assert.equal(patientFromClaims({ ...patient, ins_oid: NIA_OID }).ok, true);
  assert.deepEqual(patientFromClaims({ ...patient, ins_status: 'VALI' }), {
    ok: false,
    reason: 'IDENTITY_NOT_QUALIFIED',
  });
  assert.deepEqual(patientFromClaims({ ...patient, ins_matricule: undefined }), {
    ok: false,
    reason: 'IDENTITY_NOT_QUALIFIED',
  });
  const badKey = `${matricule.slice(0, 13)}${matricule.endsWith('01') ? '02' : '01'}`;
  assert.deepEqual(patientFromClaims({ ...patient, ins_matricule: badKey }), {
    ok: false,
    reason: 'INVALID_CLAIMS',
  });
  assert.deepEqual(patientFromClaims({ ...patient, ins_oid: '1.2.3' }), {
    ok: false,
    reason: 'INVALID_CLAIMS',
  });
  assert.deepEqual(patientFromClaims({ ...patient, family_name: ' ' }), {
    ok: false,
    reason: 'INVALID_CLAIMS',
  });
});

test('a professional is named by SubjectNameID = 8 + RPPS', () => {
  const claims = { sub: 'y', SubjectNameID: `8${rpps}`, given_name: 'Claire', family_name: 'Dubois' };
  assert.deepEqual(professionalFromClaims(claims), {
    ok: true,
    value: { rpps, givenName: 'Claire', familyName: 'Dubois' },
  });
  assert.deepEqual(professionalFromClaims({ ...claims, SubjectNameID: rpps }), {
    ok: false,
    reason: 'INVALID_CLAIMS',
  });
  assert.deepEqual(professionalFromClaims({ ...claims, SubjectNameID: '1010000016' }), {
    ok: false,
    reason: 'INVALID_CLAIMS',
  });
});
