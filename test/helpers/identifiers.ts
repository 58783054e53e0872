import { luhnCheckDigit } from '../../src/identity/luhn.ts';
import { nirKey } from '../../src/identity/nir.ts';

/** Builders for valid fixtures in tests: the key comes from the (separately tested) identity module. */
export const nirFrom = (body13: string) => `${body13}${nirKey(body13)}`;
export const finessFrom = (body8: string) => `${body8}${luhnCheckDigit(body8)}`;
export const rppsFrom = (body10: string) => `${body10}${luhnCheckDigit(body10)}`;
