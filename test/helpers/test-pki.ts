import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PKI made with Debian's openssl, shaped like IGC-Santé: a root, an "organisations"
 * intermediate, a server certificate and client certificates with DNS names; and a rogue CA that
 * issues a client certificate claiming a whitelisted name. Made once per test run (every test
 * file of one `node --test` run shares the parent process) in a temp folder, then reused.
 *
 * Every certificate file holds the leaf then the intermediate (what a peer presents); `rootCa`
 * is the trust anchor to configure.
 */
export interface TestIdentity {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The root alone: what a client trusts to check the server. */
  rootCa: string;
  /**
   * The root and the "organisations" intermediate: the listener's trust anchors, as IGC-Santé's
   * root and intermediates are configured (peers such as swaks present their leaf only).
   */
  trustBundle: string;
  /** The rogue root, trusted by nobody. */
  rogueCa: string;
  /** `mx.officine.test`: the listener's own certificate. */
  server: TestIdentity;
  /** SAN DNS `operateur-a.test` and `*.operateur-a.test`. */
  operatorA: TestIdentity;
  /** No subjectAltName, CN `operateur-b.test`. */
  operatorBCnOnly: TestIdentity;
  /** SAN DNS `intrus.test`: chains to the root, but its domain is on no whitelist. */
  offList: TestIdentity;
  /** SAN DNS `operateur-a.test`, issued by the rogue root. */
  rogue: TestIdentity;
  /** SAN DNS `operateur-a.test`, chains to the root, revoked by the intermediate. */
  revoked: TestIdentity;
  /** The CRLs of the root (empty) and of the intermediate (listing `revoked`), in one PEM file. */
  crls: string;
}

const VERSION = 'v3';

export function testPki(): TestPki {
  const dir = path.join(os.tmpdir(), `officine-test-pki-${VERSION}-${process.ppid}`);
  const pki = layout(dir);
  if (fs.existsSync(path.join(dir, 'done'))) return pki;
  removeStale();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'officine-test-pki-work-'));
  generate(work);
  fs.writeFileSync(path.join(work, 'done'), '');
  try {
    fs.renameSync(work, dir);
  } catch {
    // Another test file of this run made it first: use theirs.
    fs.rmSync(work, { recursive: true, force: true });
  }
  return pki;
}

/** PKIs of earlier runs (a day old or more) are removed when a run makes its own. */
function removeStale(): void {
  const dayAgo = Date.now() - 24 * 3_600_000;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith('officine-test-pki-')) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      if (fs.statSync(dir).mtimeMs < dayAgo) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

function layout(dir: string): TestPki {
  const identity = (name: string) => ({
    cert: path.join(dir, `${name}.chain.pem`),
    key: path.join(dir, `${name}.key`),
  });
  return {
    dir,
    rootCa: path.join(dir, 'root.crt'),
    trustBundle: path.join(dir, 'trust.pem'),
    rogueCa: path.join(dir, 'rogue-root.crt'),
    server: identity('server'),
    operatorA: identity('operator-a'),
    operatorBCnOnly: identity('operator-b'),
    offList: identity('off-list'),
    rogue: identity('rogue-client'),
    revoked: identity('revoked'),
    crls: path.join(dir, 'crls.pem'),
  };
}

function generate(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const selfSignedRoot = (name: string, cn: string) => {
    key(name);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '3650',
      '-subj',
      `/O=Test/CN=${cn}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  };
  const sign = (name: string, issuer: string, subject: string, extensions: string) => {
    key(name);
    openssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.crt`,
      '-CAkey',
      `${issuer}.key`,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '825',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
  };
  const leaf = (usage: 'serverAuth' | 'clientAuth', san: string[] | null) =>
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      `extendedKeyUsage=${usage === 'serverAuth' ? 'serverAuth,clientAuth' : 'clientAuth,serverAuth'}`,
      ...(san ? [`subjectAltName=${san.map((n) => `DNS:${n}`).join(',')}`] : []),
      '',
    ].join('\n');
  const chain = (name: string, issuer: string) =>
    fs.writeFileSync(
      path.join(dir, `${name}.chain.pem`),
      fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8') +
        fs.readFileSync(path.join(dir, `${issuer}.crt`), 'utf8'),
    );

  selfSignedRoot('root', 'Test IGC-Sante Racine');
  sign(
    'organisations',
    'root',
    '/O=Test/CN=Test IGC-Sante Organisations',
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  sign('server', 'organisations', '/O=Test/CN=mx.officine.test', leaf('serverAuth', ['mx.officine.test']));
  sign(
    'operator-a',
    'organisations',
    '/O=Operateur A/CN=operateur-a.test',
    leaf('clientAuth', ['operateur-a.test', '*.operateur-a.test']),
  );
  sign('operator-b', 'organisations', '/O=Operateur B/CN=operateur-b.test', leaf('clientAuth', null));
  sign('off-list', 'organisations', '/O=Intrus/CN=intrus.test', leaf('clientAuth', ['intrus.test']));
  for (const name of ['server', 'operator-a', 'operator-b', 'off-list']) chain(name, 'organisations');
  fs.writeFileSync(
    path.join(dir, 'trust.pem'),
    fs.readFileSync(path.join(dir, 'root.crt'), 'utf8') +
      fs.readFileSync(path.join(dir, 'organisations.crt'), 'utf8'),
  );

  sign(
    'revoked',
    'organisations',
    '/O=Operateur A/CN=operateur-a.test',
    leaf('clientAuth', ['operateur-a.test']),
  );
  chain('revoked', 'organisations');
  const crl = (ca: string, revoke: string[]) => {
    fs.writeFileSync(
      path.join(dir, `${ca}.cnf`),
      `[ca]\ndefault_ca = own\n[own]\ndatabase = ${ca}.index\ncrlnumber = ${ca}.crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n`,
    );
    fs.writeFileSync(path.join(dir, `${ca}.index`), '');
    fs.writeFileSync(path.join(dir, `${ca}.crlnumber`), '01\n');
    const caArgs = ['-config', `${ca}.cnf`, '-keyfile', `${ca}.key`, '-cert', `${ca}.crt`];
    for (const name of revoke) openssl('ca', ...caArgs, '-revoke', `${name}.crt`);
    openssl('ca', ...caArgs, '-gencrl', '-out', `${ca}.crl`);
  };
  crl('root', []);
  crl('organisations', ['revoked']);
  fs.writeFileSync(
    path.join(dir, 'crls.pem'),
    fs.readFileSync(path.join(dir, 'root.crl'), 'utf8') +
      fs.readFileSync(path.join(dir, 'organisations.crl'), 'utf8'),
  );

  selfSignedRoot('rogue-root', 'Rogue Root');
  sign(
    'rogue-client',
    'rogue-root',
    '/O=Rogue/CN=operateur-a.test',
    leaf('clientAuth', ['operateur-a.test']),
  );
  chain('rogue-client', 'rogue-root');
}
