import { DEFAULT_SMTP_IN_LIMITS, type SmtpInLimits } from './limits.ts';

/** The mail gateway's configuration (the SMTP_IN_* and HOSTED_DOMAINS variables of src/config.ts). */
export interface GatewayConfig {
  /**
   * Domains this instance hosts, lower-case: an address on one of them is delivered here; any
   * other is refused by the listener (relaying denied).
   */
  hostedDomains: string[];
  /** The inbound SMTP listener (MX); null when SMTP_IN_PORT is unset: no listener. */
  smtpIn: SmtpInConfig | null;
}

export interface SmtpInConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** `starttls`: plain connection, STARTTLS required before MAIL FROM; `implicit`: TLS from the first byte. */
  tls: 'starttls' | 'implicit';
  /** The host name in the greeting and EHLO reply. */
  name: string;
  /** PEM: the listener's certificate (leaf then intermediates) and key. */
  certFile: string;
  keyFile: string;
  /** PEM: the trust anchors client certificates must chain to (IGC-Santé in production). */
  caFile: string;
  /**
   * PEM: certificate revocation lists, one for every CA of the chains (a chain whose CA has no CRL
   * here is refused); re-read with the whitelist. null: revocation is not checked.
   */
  crlFile: string | null;
  /** The national whitelist: a file or an http(s) URL, reloaded every `reloadMinutes`. */
  whitelist: { source: string; reloadMinutes: number };
  limits: SmtpInLimits;
}

/** The SMTP_IN_* variables as read by the schema of src/config.ts. */
export interface SmtpInEnv {
  SMTP_IN_PORT?: number | undefined;
  SMTP_IN_HOST: string;
  SMTP_IN_TLS: 'starttls' | 'implicit';
  SMTP_IN_NAME?: string | undefined;
  SMTP_IN_CERT_FILE?: string | undefined;
  SMTP_IN_KEY_FILE?: string | undefined;
  SMTP_IN_CA_FILE?: string | undefined;
  SMTP_IN_CRL_FILE?: string | undefined;
  SMTP_IN_WHITELIST?: string | undefined;
  SMTP_IN_WHITELIST_MINUTES: number;
  SMTP_IN_MAX_MESSAGE_MB: number;
  SMTP_IN_MAX_CONNECTIONS: number;
  SMTP_IN_MAX_PER_PEER: number;
  SMTP_IN_MAX_RECIPIENTS: number;
  SMTP_IN_IDLE_SECONDS: number;
  HOSTED_DOMAINS: string;
}

const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns the configuration, or the problem in English (ConfigError's message). */
export function gatewayConfig(
  e: SmtpInEnv,
  defaultName: string,
): { ok: true; config: GatewayConfig } | { ok: false; message: string } {
  const hostedDomains = [
    ...new Set(
      e.HOSTED_DOMAINS.split(',')
        .map((d) => d.trim().toLowerCase())
        .filter((d) => d !== ''),
    ),
  ];
  if (hostedDomains.length === 0 || !hostedDomains.every((d) => DOMAIN.test(d)))
    return { ok: false, message: 'HOSTED_DOMAINS must be a comma-separated list of domain names' };
  if (e.SMTP_IN_PORT === undefined) return { ok: true, config: { hostedDomains, smtpIn: null } };
  const missing = (
    ['SMTP_IN_CERT_FILE', 'SMTP_IN_KEY_FILE', 'SMTP_IN_CA_FILE', 'SMTP_IN_WHITELIST'] as const
  ).filter((name) => !e[name]);
  if (missing.length > 0) return { ok: false, message: `SMTP_IN_PORT needs ${missing.join(', ')}` };
  return {
    ok: true,
    config: {
      hostedDomains,
      smtpIn: {
        host: e.SMTP_IN_HOST,
        port: e.SMTP_IN_PORT,
        tls: e.SMTP_IN_TLS,
        name: e.SMTP_IN_NAME ?? defaultName,
        certFile: e.SMTP_IN_CERT_FILE as string,
        keyFile: e.SMTP_IN_KEY_FILE as string,
        caFile: e.SMTP_IN_CA_FILE as string,
        crlFile: e.SMTP_IN_CRL_FILE ?? null,
        whitelist: {
          source: e.SMTP_IN_WHITELIST as string,
          reloadMinutes: e.SMTP_IN_WHITELIST_MINUTES,
        },
        limits: {
          ...DEFAULT_SMTP_IN_LIMITS,
          maxMessageBytes: Math.round(e.SMTP_IN_MAX_MESSAGE_MB * 1024 * 1024),
          maxConnections: e.SMTP_IN_MAX_CONNECTIONS,
          maxConnectionsPerPeer: e.SMTP_IN_MAX_PER_PEER,
          maxRecipients: e.SMTP_IN_MAX_RECIPIENTS,
          idleTimeoutMs: e.SMTP_IN_IDLE_SECONDS * 1000,
        },
      },
    },
  };
}
