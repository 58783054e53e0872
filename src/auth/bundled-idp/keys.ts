import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { randomSecret } from '../secrets.ts';

/**
 * The bundled provider's secrets, generated on first use and kept under DATA_DIR/idp (mode 0600)
 * so that its tokens and sessions survive a restart: the ID token signing key (RS256), the keys
 * that sign its cookies, and the secrets of its two clients. Never hard-coded. Several processes
 * starting together agree on one set: each writes a candidate to a temp file and links it into
 * place only if no file is there yet, then everyone reads what is there.
 */
export interface IdpSecrets {
  jwks: { keys: Record<string, unknown>[] };
  cookieKeys: string[];
  clientSecrets: { patient: string; professional: string };
}

export const IDP_SECRETS_FILE = path.join('idp', 'secrets.json');

function generate(): IdpSecrets {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    jwks: { keys: [{ ...jwk, alg: 'RS256', use: 'sig' }] },
    cookieKeys: [randomSecret(32)],
    clientSecrets: { patient: randomSecret(32), professional: randomSecret(32) },
  };
}

function isSecrets(value: unknown): value is IdpSecrets {
  const v = value as IdpSecrets;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.jwks?.keys) &&
    v.jwks.keys.length > 0 &&
    Array.isArray(v.cookieKeys) &&
    v.cookieKeys.length > 0 &&
    typeof v.clientSecrets?.patient === 'string' &&
    typeof v.clientSecrets?.professional === 'string'
  );
}

export function readOrCreateIdpSecrets(dataDir: string): IdpSecrets {
  const file = path.join(dataDir, IDP_SECRETS_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomSecret(6)}.tmp`;
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, `${JSON.stringify(generate(), null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  const secrets: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isSecrets(secrets)) {
    throw new Error(
      `The bundled identity provider's secrets file is damaged: ${file} (delete it to start afresh)`,
    );
  }
  return secrets;
}
