import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCheck } from './check.ts';
import type { CliOutput } from './output.ts';

function capture(): CliOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

test('check nir prints the normalised value and fields, exit 0', () => {
  const output = capture();
  assert.equal(runCheck('nir', '1 75 03 75 123 005 12', output), 0);
  assert.equal(output.lines[0], 'NIR : 1 75 03 75 123 005 12');
  assert.ok(output.lines.includes('Sexe : homme'));
  assert.ok(output.lines.includes('Clé : 12 (valide)'));
});

test('check nir with a wrong key prints the reason, exit 1', () => {
  const output = capture();
  assert.equal(runCheck('nir', '175037512300513', output), 1);
  assert.match(output.lines[0] ?? '', /^Invalide : /);
});

test('check finess and rpps use the Luhn key', () => {
  assert.equal(runCheck('finess', '010000016', capture()), 0);
  assert.equal(runCheck('finess', '010000017', capture()), 1);
  assert.equal(runCheck('rpps', '10000000009', capture()), 0);
  assert.equal(runCheck('rpps', '10000000007', capture()), 1);
});

test('an unknown identifier kind is a usage error, exit 2', () => {
  const output = capture();
  assert.equal(runCheck('siret', '123', output), 2);
  assert.match(output.errors[0] ?? '', /Type d'identifiant inconnu/);
});
