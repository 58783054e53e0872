import net from 'node:net';
import { BUNDLED_IDP_OPT_IN, ConfigError } from '../../config.ts';

/**
 * Where the bundled demo identity provider may run. It logs anyone in as any listed person
 * without a password, so it runs only on a server this machine alone can reach and that names
 * itself by a loopback address: PUBLIC_URL's host (or HOST, when PUBLIC_URL is unset) and the
 * listening HOST both loopback — 127.0.0.0/8, ::1 or `localhost`. Anywhere else it needs the
 * explicit opt-in BUNDLED_IDP=on-public-url-i-understand (logged loudly at start); without it the
 * server refuses to start unless both populations log in with a configured issuer.
 */
export type BundledIdpExposure = 'loopback' | 'public-opted-in';

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped 127.x), `localhost`; URL brackets allowed. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  const v4 = name.startsWith('::ffff:') ? name.slice('::ffff:'.length) : name;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return net.isIPv6(name) && new net.SocketAddress({ address: name, family: 'ipv6' }).address === '::1';
}

/** Whether the bundled provider may run here; throws a ConfigError (French) when it may not. */
export function bundledIdpExposure(options: {
  publicUrl: string | null;
  host: string;
  optIn: boolean;
}): BundledIdpExposure {
  const named = options.publicUrl ? new URL(options.publicUrl).hostname : options.host;
  if (isLoopbackHost(named) && isLoopbackHost(options.host)) return 'loopback';
  if (options.optIn) return 'public-opted-in';
  const where = [
    ...(options.publicUrl ? [`PUBLIC_URL=${options.publicUrl}`] : []),
    `HOST=${options.host}`,
  ].join(', ');
  throw new ConfigError(
    `le fournisseur d’identité de démonstration (connexion sans mot de passe) ne fonctionne que sur une adresse locale, ` +
      `or ce serveur est joignable par d’autres (${where}). Configurez OIDC_PATIENT_ISSUER et OIDC_PRO_ISSUER ` +
      `(Mon espace santé / FranceConnect, Pro Santé Connect) ; pour une démonstration publique assumée, où n’importe qui ` +
      `peut se connecter au nom de n’importe quelle personne de la démo, ajoutez BUNDLED_IDP=${BUNDLED_IDP_OPT_IN}.`,
  );
}
