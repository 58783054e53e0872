import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countOperators } from './pdf-operators.ts';

const count = (text: string, stopAfter = 1000) => countOperators(Buffer.from(text, 'latin1'), stopAfter);

test('operators are counted; their operands, strings, names, comments and inline image data are not', () => {
  assert.equal(count('0 0 1 1 re f 10 w 1 0 0 RG'), 4);
  assert.equal(count('BT /F1 12 Tf (re f \\) S) Tj <7265> Tj [(a) -20 (b)] TJ ET'), 6);
  assert.equal(count('/re /f << /S /f >> % re f re f\nq Q'), 2);
  // Inline image: BI, ID, EI count; the bytes between ID and EI are data.
  assert.equal(count('q BI /W 2 /H 1 /BPC 8 /CS /G ID re f\x00 S EI Q'), 5);
  assert.equal(count('1 2 m 3 4 l h S T* 0 Tc \' "'), 8);
  assert.equal(count('ref fill REF Do1 true null 12.5'), 0);
});

test('counting stops past the limit', () => {
  assert.equal(count('0 0 1 1 re f\n'.repeat(1000), 10), 11);
});
