import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nirBodyArb } from './nir.arbitrary.ts';
import { formatNir, nirKey, parseNir } from './nir.ts';

// Properties over generated valid bodies (every sex, pseudo months, 2A/2B, 97x/98x, 99, order ≠ 000).
describe('NIR properties', () => {
  it('every valid body gets a key in 01–97 that validates, and the fields round-trip', () => {
    fc.assert(
      fc.property(nirBodyArb, (body) => {
        const key = nirKey(body);
        assert.match(key, /^(0[1-9]|[1-8][0-9]|9[0-7])$/);
        const result = parseNir(body + key);
        assert.ok(result.ok, `${body}${key} rejected: ${result.ok ? '' : result.reason}`);
        assert.equal(result.nir.body, body);
        assert.equal(result.nir.sex, body[0] === '1' ? 'M' : 'F');
        assert.equal(result.nir.birthMonth, body.slice(3, 5));
        const reparsed = parseNir(formatNir(result.nir).toLowerCase());
        assert.ok(reparsed.ok);
        assert.deepEqual(reparsed.nir, result.nir);
      }),
    );
  });

  it('every single-character change of a valid NIR is rejected', () => {
    const alphabet = '0123456789AB'.split('');
    const mutation = fc.tuple(nirBodyArb, fc.integer({ min: 0, max: 14 }), fc.constantFrom(...alphabet));
    fc.assert(
      fc.property(mutation, ([body, position, replacement]) => {
        const valid = body + nirKey(body);
        fc.pre(valid[position] !== replacement);
        const changed = valid.slice(0, position) + replacement + valid.slice(position + 1);
        const result = parseNir(changed);
        assert.equal(result.ok, false, `${valid} → ${changed} accepted`);
      }),
    );
  });

  it('never throws, and only accepts 15-character values', () => {
    const input = fc.oneof(fc.string(), fc.stringMatching(/^[0-9AB .]{0,20}$/));
    fc.assert(
      fc.property(input, (text) => {
        const result = parseNir(text);
        if (result.ok) assert.equal(result.nir.value.length, 15);
        else assert.ok(result.message.length > 0);
      }),
    );
  });
});
